#include "core/warehouse/warehouse_schema.h"

#include <fmt/format.h>

#include "core/warehouse/aggregate_query.h"

namespace expt {

std::string warehouse_schema_sql(const WarehouseSchemaNames& names) {
  return fmt::format(
      R"(-- expt warehouse tables (ClickHouse 18.16 and later). docs/warehouse.md explains them.
-- Timestamps are DateTime (seconds, UTC). On ClickHouse 20.1 and later DateTime64(3) keeps
-- milliseconds, as the CSV path does. A null value counts as 1, like an empty CSV field.

-- Raw events: one partition per day (retention drops whole days), ordered for the join on
-- entity_id.
CREATE TABLE IF NOT EXISTS {0}
(
    event_id String,
    entity_id String,
    event_type String,
    timestamp DateTime,
    value Nullable(Float64)
)
ENGINE = MergeTree()
PARTITION BY toDate(timestamp)
ORDER BY (event_type, entity_id, timestamp);

-- Raw exposures: partitioned by experiment and day, ordered for the join.
CREATE TABLE IF NOT EXISTS {1}
(
    entity_id String,
    experiment String,
    variant String,
    timestamp DateTime
)
ENGINE = MergeTree()
PARTITION BY (experiment, toDate(timestamp))
ORDER BY (experiment, entity_id, timestamp);

-- Per-variant sufficient statistics of each experiment as of the end of each day, kept forever:
-- `expt analyze --aggregates` reads them after the raw partitions are gone. A day computed again
-- replaces the earlier rows (the newest computed_at wins, read with FINAL).
CREATE TABLE IF NOT EXISTS {2}
(
    day Date,
    experiment String,
    kind String,
    metric String,
    variant String,
    name String,
    n Float64,
    sum Float64,
    sum_squares Float64,
    denominator_sum Float64,
    denominator_sum_squares Float64,
    sum_product Float64,
    events Float64,
    value Float64,
    ci_low Float64,
    ci_high Float64,
    confidence Float64,
    computed_at DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree(computed_at)
PARTITION BY toYYYYMM(day)
ORDER BY (experiment, day, kind, metric, variant, name);
)",
      sql_identifier(names.events), sql_identifier(names.exposures), sql_identifier(names.aggregates));
}

}  // namespace expt
