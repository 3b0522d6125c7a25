#pragma once
// Renders an analysis for people (aligned tables, Markdown) and machines (JSON with stable
// field names documented in docs/analysis.md, CSV with one row per metric and variant).

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/analysis/experiment_analysis.h"
#include "core/ingest/event_aggregator.h"
#include "core/ingest/exposure_table.h"

namespace expt {

// The cumulative analysis of the data up to one day's end (`--by day`).
struct DayReport {
  std::string day;  // YYYY-MM-DD, UTC
  AnalysisReport report;
};

struct AnalysisContext {
  AnalysisReport report;
  std::vector<DayReport> days;  // --by day, oldest first
  ExposureCounts exposures;
  EventCounts events;
  nlohmann::json source;  // where the data came from (csv, clickhouse, aggregates)
  bool auto_stopped = false;
  std::vector<std::string> breaches;  // one sentence per guardrail breach
  std::vector<std::string> data_problems;  // no exposure for the experiment, a metric without events
  bool color = false;                      // the table may use ANSI colour
};

// A number that may be undefined (see docs/statistics.md): the value, or null, never NaN.
nlohmann::json number_or_null(const std::optional<double>& value);

nlohmann::json analysis_json(const AnalysisContext& context);
std::string analysis_table(const AnalysisContext& context);
std::string analysis_markdown(const AnalysisContext& context);
std::string analysis_csv(const AnalysisContext& context);

// "guardrail page_load_p95 breached in variant green: 7.2% worse (95% CI 5.1% to 9.3%), tolerated 5%"
std::vector<std::string> describe_breaches(const AnalysisReport& report);

// A comparison's key numbers, as the daily view and recorded analyses keep them: variant,
// status, difference and lift with their intervals, p and adjusted p, significant.
nlohmann::json comparison_summary_json(const TreatmentResult& treatment);

// "CUPED: variance -40.5% (theta 0.6428, 14-day pre-exposure window); values are adjusted"
std::string cuped_line(const CupedSummary& cuped, const AnalysisOptions& options);

}  // namespace expt
