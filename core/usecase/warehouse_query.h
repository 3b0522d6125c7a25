#pragma once
// The aggregation query of one experiment, as `analyze --source` sends it and `export sql`
// prints it (core/warehouse/aggregate_query.h writes the SQL): the experiment's variants and
// bound metrics over the named tables, with their column mappings, up to a day's end when asked.

#include <string>
#include <vector>

#include "core/registry/state.h"
#include "core/warehouse/aggregate_query.h"

namespace expt {

struct WarehouseQueryOptions {
  std::string events_table = "events";
  std::string exposures_table = "exposures";
  std::string events_columns;     // "field=column,..."
  std::string exposures_columns;
  double confidence = 0.95;
  std::string day;  // YYYY-MM-DD: rows before its end, and a day column
};

// Column types are those of `expt export sql --schema` until the caller sets the server's.
// Errors (invalid): a column mapping that names an unknown field, a day that is not a date.
Result<AggregateQuery> warehouse_query(const WarehouseQueryOptions& options, const ExperimentRecord& experiment,
                                       const std::vector<MetricSpec>& metrics);

}  // namespace expt
