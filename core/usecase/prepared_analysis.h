#pragma once
// One experiment analysed from whichever data source the request names, with nothing written:
// the experiment and its bound metrics read from the registry, the statistics chosen
// (analysis_choices), the data read (choose_data_source), the inference run, and what makes the
// report empty rather than inconclusive named. `analyze`, `report` and `monitor` all run this.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/analysis/experiment_analysis.h"
#include "core/registry/registry.h"
#include "core/usecase/analysis_request.h"
#include "core/usecase/data_source.h"
#include "core/usecase/session.h"

namespace expt {

// The cumulative analysis of the data up to one day's end (`--by day`).
struct DayReport {
  std::string day;  // YYYY-MM-DD, UTC
  AnalysisReport report;
};

// What an analysis found.
struct AnalysisResult {
  AnalysisReport report;
  std::vector<DayReport> days;  // --by day, oldest first
  ExposureCounts exposures;
  EventCounts events;
  nlohmann::json source;                   // where the data came from (csv, clickhouse, aggregates)
  std::vector<std::string> breaches;       // one sentence per guardrail breach (core/analysis/finding_text.h)
  std::vector<std::string> data_problems;  // no exposure for the experiment, a metric without events

  // A check failed: a sample ratio mismatch, a guardrail breach, or missing data (exit 1).
  bool failed() const { return report.srm.mismatch || report.guardrail_breached() || !data_problems.empty(); }
};

struct PreparedAnalysis {
  ExperimentRecord experiment;
  std::optional<BundleInfo> latest_bundle;     // the newest published bundle, for provenance
  std::shared_ptr<const AnalysisInput> input;  // the sufficient statistics, for --record
  std::vector<std::string> files;              // the input files read ("-" for stdin)
  AnalysisResult result;
};

// Errors: the request is invalid (check_request), the experiment is unknown or has fewer than
// two variants, a bound metric is missing, or the data cannot be read (naming file, line, field).
Result<PreparedAnalysis> prepare_analysis(const AnalysisRequest& request, Registry& registry, Session& session);

// `analyze --source ... --show-sql`: the query the analysis would send to the warehouse (its
// tables described and missing variants recomputed first, as the analysis does), nothing else run.
Result<std::string> analysis_query_text(const AnalysisRequest& request, Registry& registry, Session& session);

}  // namespace expt
