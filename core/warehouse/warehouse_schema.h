#pragma once
// The ClickHouse DDL that `expt export sql --schema` prints: the raw event and exposure tables
// (MergeTree, one partition per day, so raw data is dropped by partition after 90 days) and the
// daily aggregates table kept forever, which `expt analyze --aggregates` reads. It runs on
// ClickHouse 18.16 (Debian 12) and current releases; docs/warehouse.md explains each choice.

#include <string>

namespace expt {

struct WarehouseSchemaNames {
  std::string events = "events";
  std::string exposures = "exposures";
  std::string aggregates = "expt_daily_aggregates";
};

std::string warehouse_schema_sql(const WarehouseSchemaNames& names);

}  // namespace expt
