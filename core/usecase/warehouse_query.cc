#include "core/usecase/warehouse_query.h"

#include <sstream>

#include <fmt/format.h>

#include "core/base/excerpt.h"
#include "core/base/timestamp.h"
#include "core/ingest/column_mapping.h"
#include "core/registry/registry_snapshot.h"
#include "core/usecase/data_source.h"

namespace expt {

namespace {

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

std::string timestamp_column(const WarehouseTable& table) {
  auto renamed = table.columns.renames.find("timestamp");
  return renamed == table.columns.renames.end() ? "timestamp" : renamed->second;
}

Result<void> set_timestamp_types(const std::vector<std::string>& types, AggregateQuery& q) {
  for (const std::string& entry : types) {
    const auto eq = entry.find('=');
    const std::string table = eq == std::string::npos || entry.find('(') < eq ? "" : entry.substr(0, eq);
    const std::string type = table.empty() ? entry : entry.substr(eq + 1);
    if (!table.empty() && table != "events" && table != "exposures") {
      return Error::invalid(fmt::format("--timestamp-type: '{}' is not a table; use TYPE for both tables, or events=TYPE / "
                                        "exposures=TYPE",
                                        excerpt(table)),
                            {}, "timestamp-type");
    }
    if (type.empty()) return Error::invalid("--timestamp-type: the type is empty", {}, "timestamp-type");
    if (table != "exposures") q.events.types[timestamp_column(q.events)] = type;
    if (table != "events") q.exposures.types[timestamp_column(q.exposures)] = type;
  }
  return {};
}

}  // namespace

Result<AggregateQuery> warehouse_query(const WarehouseQueryOptions& options, const ExperimentRecord& experiment,
                                       const std::vector<MetricSpec>& metrics) {
  AggregateQuery q;
  q.experiment = experiment.spec.key;
  q.variants = variant_keys(experiment);
  q.metrics = metrics;
  q.confidence = options.confidence;
  q.events.name = options.events_table;
  q.exposures.name = options.exposures_table;
  auto event_columns = parse_column_mapping(options.events_columns, k_event_field_names, "--events-columns");
  if (!event_columns) return std::move(event_columns).error();
  auto exposure_columns = parse_column_mapping(options.exposures_columns, k_exposure_field_names, "--exposures-columns");
  if (!exposure_columns) return std::move(exposure_columns).error();
  q.events.columns = *event_columns;
  q.exposures.columns = *exposure_columns;
  if (!options.day.empty()) {
    auto start = parse_timestamp_ms(options.day);
    if (!start || options.day.size() != 10) {
      return Error::invalid(fmt::format("--as-of must be a date, YYYY-MM-DD; got '{}'", options.day), {}, "as-of");
    }
    q.day = options.day;
    q.until_ms = *start + 86'400'000;
  }
  if (auto typed = set_timestamp_types(options.timestamp_types, q); !typed) return std::move(typed).error();
  return q;
}

Result<void> describe_from_server(ClickHouseClient& client, const RegistryState& state, const ExperimentRecord& experiment,
                                  AggregateQuery& query) {
  for (WarehouseTable* table : {&query.events, &query.exposures}) {
    auto types = client.columns(table->name);
    if (!types) return std::move(types).error();
    table->types = std::move(*types);
    table->described = true;
  }
  return recompute_variants(client, state, experiment, query);
}

}  // namespace expt
