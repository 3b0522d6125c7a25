#pragma once
// What an analysis of one experiment asks for, whichever command asks (analyze, report, monitor,
// export sql): where the data is, which statistics, and how to read. The core form of `expt
// analyze`'s flags (docs/cli.md); check_request says what is wrong with one before anything is
// read, and analysis_choices settles the statistics the flags and the spec ask for together.

#include <optional>
#include <string>
#include <vector>

#include "core/base/error.h"
#include "core/ingest/event_aggregator.h"
#include "core/spec/spec.h"

namespace expt {

struct AnalysisRequest {
  std::string experiment;
  // The data, from exactly one of: the two CSV exports ("-" is stdin, for one of them)...
  std::string events;
  std::string exposures;
  std::string events_columns;     // "field=column,..."
  std::string exposures_columns;  // "field=column,..."
  // ... a warehouse (clickhouse://...) and its tables ...
  std::string source;
  std::string events_table = "events";
  std::string exposures_table = "exposures";
  int connect_timeout = 10;  // seconds
  int query_timeout = 600;   // seconds
  // ... or an aggregates file, of one day (empty: the latest) when it has days.
  std::string aggregates;
  std::string day;
  // The statistics. Unset options follow the experiment's `analysis:` settings (docs/specs.md).
  double confidence = 0.95;
  std::string correction = "holm";           // holm | bonferroni | bh | none
  std::string correction_scope = "primary";  // primary | all
  std::optional<bool> sequential;
  std::optional<double> sequential_tuning;  // N*
  std::optional<bool> cuped;                // true: every mean and conversion metric; false: none
  std::optional<double> cuped_window_days;
  std::string by;  // "day": also the cumulative analysis at the end of each day
  // Reading the CSV events.
  bool skip_bad_rows = false;
  unsigned threads = 0;                     // 0: two when there are two cores and the file is big
  std::optional<std::string> memory_limit;  // "4G" (core/ingest/memory_budget.h); unset: the default
};

// Error (invalid, naming the flag): a value out of range, no data source or more than one, a
// flag that does not apply to the source named.
Result<void> check_request(const AnalysisRequest& request);

// The statistics the request and the experiment's spec ask for together: the request wins
// where it says something.
struct AnalysisChoices {
  std::optional<double> sequential_tuning;  // set: sequential
  CovariateWindows covariates;              // per bound metric: CUPED or not
  std::optional<double> cuped_window_days;  // set when some metric gets CUPED
};
AnalysisChoices analysis_choices(const AnalysisRequest& request, const ExperimentSpec& experiment,
                                 const std::vector<MetricSpec>& metrics);

}  // namespace expt
