#pragma once
// Where an analysis gets its per-variant sufficient statistics: the two CSV exports (read and
// aggregated by expt), a ClickHouse server (aggregated there by one query), or an aggregates
// file that any warehouse produced. One concept with three implementations, chosen in one place
// (choose_data_source); each gives the same AnalysisInput, so one inference serves all.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/ingest/event_aggregator.h"
#include "core/ingest/exposure_table.h"
#include "core/registry/state.h"
#include "core/usecase/analysis_request.h"
#include "core/usecase/session.h"
#include "core/warehouse/aggregate_rows.h"

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

// What a source reads for: the experiment (with the registry state around it, to recompute
// variants by hashing), its bound metrics, and which of them get a CUPED covariate.
struct AnalysisSubject {
  const RegistryState& state;
  const ExperimentRecord& experiment;
  const std::vector<MetricSpec>& metrics;
  const CovariateWindows& covariates;
};

class DataSource {
 public:
  virtual ~DataSource() = default;
  // The statistics of `subject`. With an `on_day` sink (--by day) it also gets every day's
  // cumulative statistics: the CSV path from its one pass over the events, ClickHouse with one
  // query per day, aggregates from the days their rows have.
  virtual Result<AnalysisInput> read(const AnalysisSubject& subject, const DaySink& on_day) = 0;
  // The files it reads ("-" for stdin), in the order records list them; none for a warehouse.
  virtual std::vector<std::string> files() const = 0;
};

// The source `request` names. The request must have passed check_request.
std::unique_ptr<DataSource> choose_data_source(const AnalysisRequest& request, Session& session);

// The three implementations (core/usecase/{csv,clickhouse,aggregates}_source.cc).
std::unique_ptr<DataSource> csv_source(const AnalysisRequest& request, Session& session);
std::unique_ptr<DataSource> clickhouse_source(const AnalysisRequest& request, Session& session);
std::unique_ptr<DataSource> aggregates_source(const AnalysisRequest& request, Session& session);

// The query `analyze --source` sends for `subject` (--show-sql), after describing the tables and
// recomputing missing variants on the server exactly as its read() does.
Result<std::string> clickhouse_query_text(const AnalysisRequest& request, Session& session, const AnalysisSubject& subject);

// AnalysisInput from a warehouse's or a file's aggregate rows. Event types are counted only where
// the rows count them (event_type rows): what data_problems looks at.
AnalysisInput input_from_aggregates(ExperimentAggregates aggregates);

// The experiment's variant keys, control first.
std::vector<std::string> variant_keys(const ExperimentRecord& experiment);

}  // namespace expt
