// The ClickHouse data source: the sufficient statistics aggregated on the server by the query of
// core/warehouse/aggregate_query.h, read back as aggregate rows.

#include <sstream>

#include <fmt/format.h>

#include "core/base/excerpt.h"
#include "core/base/timestamp.h"
#include "core/usecase/data_source.h"
#include "core/usecase/warehouse_query.h"
#include "core/warehouse/aggregate_rows.h"
#include "core/warehouse/clickhouse_client.h"

namespace expt {

namespace {

constexpr int64_t k_day_ms = 86'400'000;
constexpr const char* k_answer_format = "CSVWithNames";

class ClickHouseSourceReader final : public DataSource {
 public:
  ClickHouseSourceReader(const AnalysisRequest& request, Session& session) : m_request(request), m_session(session) {}

  std::vector<std::string> files() const override { return {}; }

  Result<AnalysisInput> read(const AnalysisSubject& subject, const DaySink& on_day) override;

 private:
  // The rows of `query` assembled into the experiment's statistics (of `day`, when it has one).
  // `missed` gets the percentile metrics whose bracket missed.
  Result<ExperimentAggregates> aggregates_of(ClickHouseClient& client, const AggregateQuery& query, const AnalysisSubject& subject,
                                             const std::string& day, const std::string& name,
                                             std::vector<std::string>* missed = nullptr) const;
  // One query per day of the counted events' range, each limited to the data before the day's
  // end: exact, and as costly as that many analyses (the daily aggregates table is the cheap way).
  Result<void> read_days(ClickHouseClient& client, const AggregateQuery& query, const AnalysisSubject& subject,
                         const EventCounts& events, const std::string& name, const DaySink& on_day) const;

  const AnalysisRequest& m_request;
  Session& m_session;
};

// The query's rows. A percentile whose ranks fell outside its bracket (percentile_bracket.h) is
// asked for again with every value, so the rows are exact either way.
Result<std::vector<AggregateRow>> answer_rows(ClickHouseClient& client, AggregateQuery query, const std::string& name,
                                              std::vector<std::string>* missed_metrics = nullptr) {
  for (;;) {
    auto sql = aggregate_query_sql(query, k_answer_format);
    if (!sql) return std::move(sql).error();
    auto answer = client.query(*sql);
    if (!answer) return std::move(answer).error();
    std::istringstream in(*answer);
    auto rows = read_aggregate_rows_csv(in, name);
    if (!rows) return std::move(rows).error();
    bool missed = false;
    for (const AggregateRow& row : *rows) {
      if (row.kind != "percentile" || row.name != k_bracket_missed) continue;
      for (size_t i = 0; i < query.metrics.size(); ++i) {
        if (query.metrics[i].key != row.metric || query.brackets.erase(i) == 0) continue;
        missed = true;
        if (missed_metrics) missed_metrics->push_back(row.metric);
      }
    }
    if (!missed) return rows;
  }
}

// How each percentile metric's values were carried, for the report's data.source: within a
// bracket, or all of them (no bracket, or a second query after the bracket missed).
nlohmann::json percentile_values(const AggregateQuery& query, const std::vector<std::string>& missed) {
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < query.metrics.size(); ++i) {
    if (query.metrics[i].type != MetricType::percentile) continue;
    auto bracket = query.brackets.find(i);
    nlohmann::json entry{{"metric", query.metrics[i].key}, {"values", bracket == query.brackets.end() ? "all" : "bracket"}};
    if (bracket != query.brackets.end()) {
      entry["bracket"] = {bracket->second.low, bracket->second.high};
      entry["bracket_missed"] = std::find(missed.begin(), missed.end(), query.metrics[i].key) != missed.end();
    }
    out.push_back(std::move(entry));
  }
  return out;
}

// Brackets for the percentile metrics, from the pre-pass over the raw events.
Result<void> choose_brackets(ClickHouseClient& client, AggregateQuery& query) {
  auto sql = percentile_bracket_sql(query);
  if (!sql) return std::move(sql).error();
  if (sql->empty()) return {};
  auto answer = client.query(*sql);
  if (!answer) return std::move(answer).error();
  auto brackets = percentile_brackets(query, *answer);
  if (!brackets) return std::move(brackets).error();
  query.brackets = std::move(*brackets);
  return {};
}

Result<ExperimentAggregates> ClickHouseSourceReader::aggregates_of(ClickHouseClient& client, const AggregateQuery& query,
                                                                   const AnalysisSubject& subject, const std::string& day,
                                                                   const std::string& name, std::vector<std::string>* missed) const {
  auto rows = answer_rows(client, query, name, missed);
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

Result<ClickHouseSource> source_of(const AnalysisRequest& r, const Session& session) {
  auto source = parse_clickhouse_url(r.source, session.environment.clickhouse_password);
  if (!source) return std::move(source).error();
  if (r.connect_timeout <= 0 || r.query_timeout <= 0) {
    return Error::invalid("--connect-timeout and --query-timeout must be at least 1 second");
  }
  source->connect_timeout = std::chrono::seconds(r.connect_timeout);
  source->query_timeout = std::chrono::seconds(r.query_timeout);
  return source;
}

// The query of `subject` over the tables as the server has them.
Result<AggregateQuery> described_query(const AnalysisRequest& r, ClickHouseClient& client, const AnalysisSubject& subject) {
  WarehouseQueryOptions options{r.events_table, r.exposures_table, r.events_columns, r.exposures_columns, r.confidence, {}, {}};
  auto query = warehouse_query(options, subject.experiment, subject.metrics);
  if (!query) return std::move(query).error();
  query->covariates = subject.covariates;
  if (auto described = describe_from_server(client, subject.state, subject.experiment, *query); !described) {
    return std::move(described).error();
  }
  if (auto bracketed = choose_brackets(client, *query); !bracketed) return std::move(bracketed).error();
  return query;
}

Result<AnalysisInput> ClickHouseSourceReader::read(const AnalysisSubject& subject, const DaySink& on_day) {
  const AnalysisRequest& r = m_request;
  auto source = source_of(r, m_session);
  if (!source) return std::move(source).error();
  ClickHouseClient client(*source);
  auto query = described_query(r, client, subject);
  if (!query) return std::move(query).error();
  const std::string name = source->describe();
  std::vector<std::string> missed;
  auto assembled = aggregates_of(client, *query, subject, {}, name, &missed);
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
                  {"result_bytes", client.bytes_received()},
                  {"percentiles", percentile_values(*query, missed)}};
  return input;
}

}  // namespace

Result<std::string> clickhouse_query_text(const AnalysisRequest& request, Session& session, const AnalysisSubject& subject) {
  auto source = source_of(request, session);
  if (!source) return std::move(source).error();
  ClickHouseClient client(*source);
  auto query = described_query(request, client, subject);
  if (!query) return std::move(query).error();
  return aggregate_query_sql(*query, k_answer_format);
}

std::unique_ptr<DataSource> clickhouse_source(const AnalysisRequest& request, Session& session) {
  return std::make_unique<ClickHouseSourceReader>(request, session);
}

}  // namespace expt
