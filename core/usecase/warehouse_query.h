#pragma once
// The aggregation query of one experiment, as `analyze --source` sends it and `export sql`
// prints it (core/warehouse/aggregate_query.h writes the SQL): the experiment's variants and
// bound metrics over the named tables, with their column mappings, up to a day's end when asked.

#include <string>
#include <vector>

#include "core/registry/state.h"
#include "core/warehouse/aggregate_query.h"
#include "core/warehouse/clickhouse_client.h"

namespace expt {

struct WarehouseQueryOptions {
  std::string events_table = "events";
  std::string exposures_table = "exposures";
  std::string events_columns;     // "field=column,..."
  std::string exposures_columns;
  double confidence = 0.95;
  std::string day;  // YYYY-MM-DD: rows before its end, and a day column
  // Without a server to describe the tables (export sql): the timestamp columns' types, each
  // "TYPE" for both tables or "events=TYPE" / "exposures=TYPE".
  std::vector<std::string> timestamp_types;
};

// Column types are those of `expt export sql --schema`, and the timestamps' those named, until
// describe_from_server sets the server's.
// Errors (invalid): a column mapping that names an unknown field, a day that is not a date, a
// timestamp type for a table that is neither events nor exposures.
Result<AggregateQuery> warehouse_query(const WarehouseQueryOptions& options, const ExperimentRecord& experiment,
                                       const std::vector<MetricSpec>& metrics);

// The query made for the tables as the server has them: every column's type (system.columns),
// and the variant of each exposure row without one, hashed by expt (ClickHouse 18.16 has no
// xxHash64) and sent inline, for at most 200,000 entities. Errors: the server's, a missing
// table, too many such entities.
Result<void> describe_from_server(ClickHouseClient& client, const RegistryState& state, const ExperimentRecord& experiment,
                                  AggregateQuery& query);

}  // namespace expt
