#pragma once
// The one SQL query that reduces an experiment's raw events and exposures, inside ClickHouse, to
// the per-variant sufficient statistics of core/warehouse/aggregate_rows.h: the same rules as the
// CSV path (core/ingest/): events deduplicated by event_id, each entity's earliest exposure,
// entities seen in two variants excluded, events at or after the exposure. It keeps to the SQL
// that ClickHouse 18.16 (Debian 12) and current releases share: nested subqueries, equality
// joins, no CTEs or window functions (docs/warehouse.md lists the subset).

#include <map>
#include <string>
#include <vector>

#include "core/base/error.h"
#include "core/ingest/column_mapping.h"
#include "core/ingest/event_aggregator.h"
#include "core/spec/spec.h"
#include "core/warehouse/percentile_bracket.h"

namespace expt {

// A table's columns as the server describes them (name -> type, e.g. "Nullable(Float64)").
using ColumnTypes = std::map<std::string, std::string, std::less<>>;

struct WarehouseTable {
  std::string name;       // "table" or "database.table"
  ColumnMapping columns;  // field -> column, as --events-columns / --exposures-columns
  // The columns' types. Described (read from the server): every column, so a missing one is an
  // error. Otherwise the types known (a timestamp's, from export sql --timestamp-type) and the
  // rest assumed as `expt export sql --schema` makes them; a timestamp's type is never assumed.
  ColumnTypes types;
  bool described = false;
};

struct AggregateQuery {
  std::string experiment;
  std::vector<std::string> variants;  // control first
  std::vector<MetricSpec> metrics;    // the experiment's bound metrics, in binding order
  WarehouseTable events;              // event_id, entity_id, event_type, timestamp, value
  WarehouseTable exposures;           // entity_id, experiment, variant, timestamp
  double confidence = 0.95;           // percentile intervals are computed in the query
  // CUPED: the metrics that also get `covariate` rows (their value over the window before each
  // entity's exposure, its square and its product with the metric's value).
  CovariateWindows covariates;
  // For the daily aggregates table: only rows before the end of `day` (YYYY-MM-DD, UTC), and a
  // leading `day` column.
  std::string day;
  int64_t until_ms = 0;  // the end of `day`, in ms since the epoch
  // Exposure rows without a variant get the one hashing gives (the assignment join), from this
  // entity -> variant list ("" for an entity the experiment does not own), sent inline.
  bool recompute = false;
  std::vector<std::pair<std::string, std::string>> recomputed;
  // Percentile metrics (by index) whose values the query carries only within a bracket; the
  // others carry every value.
  std::map<size_t, PercentileBracket> brackets;
};

// The distinct entities with exposure rows of the experiment but no variant (at most `limit`),
// as TSV: those whose variant expt must recompute by hashing.
Result<std::string> unassigned_entities_sql(const AggregateQuery& query, size_t limit);

// The query text (ends in a FORMAT clause only if `format` is not empty). Errors name the table
// and column: a field with no column, a column whose type cannot hold the field (a String
// timestamp, a String value), or a timestamp column of unknown type (its SQL depends on it).
Result<std::string> aggregate_query_sql(const AggregateQuery& query, const std::string& format = {});

// SQL literal and identifier quoting, for the queries expt writes.
std::string sql_string(std::string_view text);
std::string sql_identifier(std::string_view name);  // "db.table" quotes each part

}  // namespace expt
