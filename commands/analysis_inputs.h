#pragma once
// Where `expt analyze` gets its per-variant sufficient statistics: the two CSV exports (read and
// aggregated here), a ClickHouse server (aggregated there by one query), or an aggregates file
// that any warehouse produced. Each gives the same AnalysisInput, so one inference serves all.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands/analyze.h"
#include "commands/command.h"
#include "core/ingest/event_aggregator.h"
#include "core/ingest/exposure_table.h"
#include "core/registry/state.h"
#include "core/warehouse/aggregate_query.h"

namespace expt {

struct AnalysisInput {
  std::vector<MetricAggregate> aggregates;  // aligned with the metrics
  std::vector<int64_t> entities;            // exposed entities per variant
  ExposureCounts exposures;
  EventCounts events;
  std::map<std::string, int64_t, std::less<>> event_type_rows;  // rows of each metric's event type
  std::string events_name;     // "events.csv", "table analytics.events": for messages
  std::string exposures_name;
  bool from_tables = false;    // a warehouse's tables rather than files
  nlohmann::json source;       // the report's data.source: where the numbers came from
  unsigned threads = 1;        // the threads the events were read with, for the statistics after
};

// Gets, with --by day, each day's cumulative statistics (day, per metric, entities per variant).
using DaySink = std::function<void(const std::string& day, const std::vector<MetricAggregate>& aggregates,
                                   const std::vector<int64_t>& entities)>;

// The metrics bound to `experiment`, in binding order. Error: a binding names an unknown metric.
Result<std::vector<MetricSpec>> bound_metrics(const RegistryState& state, const ExperimentRecord& experiment);

// Each reads CUPED covariates for the metrics `covariates` names (analysis_choices in
// commands/analyze.h decides them once). With an `on_day` sink (--by day) each gives it every
// day's cumulative statistics too: the CSV
// path from one pass over the events, ClickHouse with one query per day, the aggregates from
// the days their rows have.
Result<AnalysisInput> read_csv_input(const AnalyzeOptions& options, const RegistryState& state,
                                     const ExperimentRecord& experiment, const std::vector<MetricSpec>& metrics,
                                     const CovariateWindows& covariates, Io& io, const DaySink& on_day = {});
Result<AnalysisInput> read_clickhouse_input(const AnalyzeOptions& options, const RegistryState& state,
                                            const ExperimentRecord& experiment,
                                            const std::vector<MetricSpec>& metrics, const CovariateWindows& covariates,
                                            const DaySink& on_day = {});
Result<AnalysisInput> read_aggregates_input(const AnalyzeOptions& options, const ExperimentRecord& experiment,
                                            const std::vector<MetricSpec>& metrics, const CovariateWindows& covariates,
                                            Io& io, const DaySink& on_day = {});

// The query `analyze --source` runs, for `expt export sql`. Column types are the server's when
// `types` are given, else those of `expt export sql --schema`.
struct WarehouseQueryOptions {
  std::string events_table = "events";
  std::string exposures_table = "exposures";
  std::string events_columns;     // "field=column,..."
  std::string exposures_columns;
  double confidence = 0.95;
  std::string day;  // YYYY-MM-DD: rows before its end, and a day column
};
Result<AggregateQuery> warehouse_query(const WarehouseQueryOptions& options, const ExperimentRecord& experiment,
                                       const std::vector<MetricSpec>& metrics);

}  // namespace expt
