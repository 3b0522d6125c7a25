#pragma once
// `expt analyze EXPERIMENT --events FILE --exposures FILE`: reads the two CSV exports in one
// streaming pass each (or has ClickHouse aggregate with --source, or reads --aggregates),
// aggregates per variant, and reports every bound metric against the
// control, with the data summary, sample ratio check and guardrail verdicts. Exit 1 on a sample
// ratio mismatch or a guardrail breach (with --auto-stop the experiment is also stopped, audited);
// exit 2 on bad input, with nothing written.

#include <string>

#include "commands/analysis_render.h"
#include "commands/command.h"
#include "commands/registry_access.h"
#include "core/ingest/event_aggregator.h"

namespace expt {

enum class AnalyzeFormat { table, json, csv, markdown };

struct AnalyzeOptions {
  RegistryOptions registry;
  std::string experiment;
  std::string events;     // file or "-"
  std::string exposures;  // file or "-"
  std::string events_columns;     // "field=column,..."
  std::string exposures_columns;  // "field=column,..."
  // Instead of the CSVs: a warehouse (clickhouse://...) and its tables, or an aggregates file.
  std::string source;
  std::string events_table = "events";
  std::string exposures_table = "exposures";
  int connect_timeout = 10;  // seconds
  int query_timeout = 600;   // seconds
  std::string aggregates;    // file or "-"
  std::string day;           // aggregates with days: this day instead of the latest
  double confidence = 0.95;
  std::string correction = "holm";  // holm | bonferroni | bh | none
  std::string correction_scope = "primary";  // primary | all
  // Unset: the experiment's `analysis:` settings decide (docs/specs.md), then the defaults.
  std::optional<bool> sequential;           // always-valid intervals and p-values
  std::optional<double> sequential_tuning;  // N* (default 5000)
  std::optional<bool> cuped;                // true: every mean and conversion metric; false: none
  std::optional<double> cuped_window_days;  // the covariate's window before exposure (default 14)
  bool skip_bad_rows = false;
  unsigned threads = 0;  // 1: one thread; 2: events parsed on a second; 0: 2 when there are two cores
  std::optional<std::string> memory_limit;  // "4G": the CSV events' budget (core/ingest/memory_budget.h); unset: the default
  bool auto_stop = false;
  bool quiet = false;  // no progress line on the terminal
  bool record = false;  // keep the analysis in the registry (`expt results` lists it)
  std::string by;       // "day": also the cumulative analysis at the end of each day
  AnalyzeFormat format = AnalyzeFormat::table;
  std::string output;  // file written atomically; empty: stdout
};

ExitCode run_analyze(const AnalyzeOptions& options, Io& io);

// The statistics the command line and the experiment's spec ask for together: the command line
// wins where it says something.
struct AnalysisChoices {
  std::optional<double> sequential_tuning;  // set: sequential
  CovariateWindows covariates;              // per bound metric: CUPED or not
  std::optional<double> cuped_window_days;  // set when some metric gets CUPED
};
AnalysisChoices analysis_choices(const AnalyzeOptions& options, const ExperimentSpec& experiment,
                                 const std::vector<MetricSpec>& metrics);

// The analysis `options` ask for, with nothing written: the experiment, its data from whichever
// source, and the report (for `analyze` and `report`). The registry stays open for an auto-stop.
struct AnalysisInput;
struct PreparedAnalysis {
  std::unique_ptr<SqliteRegistry> registry;
  ExperimentRecord experiment;
  std::optional<BundleInfo> latest_bundle;  // the newest published bundle, for provenance
  std::shared_ptr<const AnalysisInput> input;  // the sufficient statistics, for --record
  AnalysisContext context;
};
Result<PreparedAnalysis> prepare_analysis(const AnalyzeOptions& options, Io& io);

}  // namespace expt
