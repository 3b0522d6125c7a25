// The ClickHouse data source: the sufficient statistics aggregated on the server by the query of
// core/warehouse/aggregate_query.h, read back as aggregate rows.

#include <sstream>

#include <fmt/format.h>

#include "core/base/excerpt.h"
#include "core/base/timestamp.h"
#include "core/registry/registry_snapshot.h"
#include "core/usecase/data_source.h"
#include "core/usecase/warehouse_query.h"
#include "core/warehouse/aggregate_rows.h"
#include "core/warehouse/clickhouse_client.h"

namespace expt {

namespace {

constexpr int64_t k_day_ms = 86'400'000;

// Exposure rows without a variant: expt hashes their entities, as the CSV path does, and the
// query carries the answer inline (ClickHouse 18.16 has no xxHash64 to do it there).
constexpr size_t k_max_recomputed_entities = 200'000;

Result<void> recompute_variants(ClickHouseClient& client, const RegistryState& state, const ExperimentRecord& experiment,
                                AggregateQuery& query) {
  auto sql = unassigned_entities_sql(query, k_max_recomputed_entities + 1);
  if (!sql) return std::move(sql).error();
  auto answer = client.query(*sql);
  if (!answer) return std::move(answer).error();
  if (answer->empty()) return {};
  std::optional<VariantRecomputer> recomputer = VariantRecomputer::of(state, experiment);
  if (!recomputer) {
    return Error::invalid(fmt::format("exposure rows of experiment '{}' in table {} have no variant, and none can be recomputed: "
                                      "the experiment holds no slots",
                                      experiment.spec.key, query.exposures.name));
  }
  std::istringstream lines(*answer);
  for (std::string line; std::getline(lines, line);) {
    if (query.recomputed.size() == k_max_recomputed_entities) {
      return Error::invalid(fmt::format("more than {} entities of experiment '{}' in table {} have exposure rows without a "
                                        "variant; fill the variant column, or analyse the CSV export (--exposures)",
                                        k_max_recomputed_entities, experiment.spec.key, query.exposures.name));
    }
    std::string entity = tsv_unescape(line);
    const int v = (*recomputer)(entity);
    query.recomputed.emplace_back(std::move(entity), v < 0 ? std::string() : experiment.spec.variants[static_cast<size_t>(v)].key);
  }
  query.recompute = true;
  return {};
}

class ClickHouseSourceReader final : public DataSource {
 public:
  ClickHouseSourceReader(const AnalysisRequest& request, Session& session) : m_request(request), m_session(session) {}

  std::vector<std::string> files() const override { return {}; }

  Result<AnalysisInput> read(const AnalysisSubject& subject, const DaySink& on_day) override;

 private:
  // The rows of `query` assembled into the experiment's statistics (of `day`, when it has one).
  Result<ExperimentAggregates> aggregates_of(ClickHouseClient& client, const AggregateQuery& query, const AnalysisSubject& subject,
                                             const std::string& day, const std::string& name) const;
  // One query per day of the counted events' range, each limited to the data before the day's
  // end: exact, and as costly as that many analyses (the daily aggregates table is the cheap way).
  Result<void> read_days(ClickHouseClient& client, const AggregateQuery& query, const AnalysisSubject& subject,
                         const EventCounts& events, const std::string& name, const DaySink& on_day) const;

  const AnalysisRequest& m_request;
  Session& m_session;
};

Result<ExperimentAggregates> ClickHouseSourceReader::aggregates_of(ClickHouseClient& client, const AggregateQuery& query,
                                                                   const AnalysisSubject& subject, const std::string& day,
                                                                   const std::string& name) const {
  auto sql = aggregate_query_sql(query, "CSVWithNames");
  if (!sql) return std::move(sql).error();
  auto answer = client.query(*sql);
  if (!answer) return std::move(answer).error();
  std::istringstream in(*answer);
  auto rows = read_aggregate_rows_csv(in, name);
  if (!rows) return std::move(rows).error();
  return assemble_aggregates(*rows, subject.experiment.spec.key, variant_keys(subject.experiment), subject.metrics,
                             m_request.confidence, day, day.empty() ? name + " (table " + m_request.exposures_table + ")" : name,
                             subject.covariates);
}

Result<void> ClickHouseSourceReader::read_days(ClickHouseClient& client, const AggregateQuery& query,
                                               const AnalysisSubject& subject, const EventCounts& events,
                                               const std::string& name, const DaySink& on_day) const {
  if (!events.first_ms || !events.last_ms) return {};
  const int64_t first = *events.first_ms / k_day_ms, last = *events.last_ms / k_day_ms;
  if (last - first >= 366) {
    return Error::invalid(fmt::format("--by day with --source would run {} queries, one per day; analyse the daily "
                                      "aggregates table instead (--aggregates, docs/warehouse.md)",
                                      last - first + 1));
  }
  for (int64_t day = first; day <= last; ++day) {
    AggregateQuery daily = query;
    daily.day = format_utc(day * k_day_ms).substr(0, 10);
    daily.until_ms = (day + 1) * k_day_ms;
    auto day_aggregates = aggregates_of(client, daily, subject, daily.day, name);
    if (!day_aggregates) return std::move(day_aggregates).error();
    on_day(daily.day, day_aggregates->metrics, day_aggregates->entities);
  }
  return {};
}

Result<AnalysisInput> ClickHouseSourceReader::read(const AnalysisSubject& subject, const DaySink& on_day) {
  const AnalysisRequest& r = m_request;
  auto source = parse_clickhouse_url(r.source, m_session.environment.clickhouse_password);
  if (!source) return std::move(source).error();
  if (r.connect_timeout <= 0 || r.query_timeout <= 0) {
    return Error::invalid("--connect-timeout and --query-timeout must be at least 1 second");
  }
  source->connect_timeout = std::chrono::seconds(r.connect_timeout);
  source->query_timeout = std::chrono::seconds(r.query_timeout);
  ClickHouseClient client(*source);

  WarehouseQueryOptions options{r.events_table, r.exposures_table, r.events_columns, r.exposures_columns, r.confidence, {}};
  auto query = warehouse_query(options, subject.experiment, subject.metrics);
  if (!query) return std::move(query).error();
  query->covariates = subject.covariates;
  auto event_types = client.columns(r.events_table);
  if (!event_types) return std::move(event_types).error();
  auto exposure_types = client.columns(r.exposures_table);
  if (!exposure_types) return std::move(exposure_types).error();
  query->events.types = std::move(*event_types);
  query->exposures.types = std::move(*exposure_types);
  if (auto recomputed = recompute_variants(client, subject.state, subject.experiment, *query); !recomputed) {
    return std::move(recomputed).error();
  }
  const std::string name = source->describe();
  auto assembled = aggregates_of(client, *query, subject, {}, name);
  if (!assembled) return std::move(assembled).error();
  AnalysisInput input = input_from_aggregates(std::move(*assembled));
  if (on_day) {
    if (auto days = read_days(client, *query, subject, input.events, name, on_day); !days) return std::move(days).error();
  }
  input.events_name = "table " + excerpt(r.events_table);
  input.exposures_name = "table " + excerpt(r.exposures_table);
  input.from_tables = true;
  input.source = {{"kind", "clickhouse"},
                  {"url", name},
                  {"events_table", r.events_table},
                  {"exposures_table", r.exposures_table},
                  {"result_bytes", client.bytes_received()}};
  return input;
}

}  // namespace

std::unique_ptr<DataSource> clickhouse_source(const AnalysisRequest& request, Session& session) {
  return std::make_unique<ClickHouseSourceReader>(request, session);
}

}  // namespace expt
