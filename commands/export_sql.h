#pragma once
// `expt export sql EXPERIMENT --dialect clickhouse`: prints the one query that `analyze --source`
// runs, for teams that schedule it themselves; its rows are what `analyze --aggregates` reads.
// `--as-of DAY [--insert-into TABLE]` makes it the daily job that fills the aggregates table.
// The SQL depends on the timestamp columns' types: `--source` reads them from the server (and
// recomputes missing variants, as analyze does), `--timestamp-type` names them; it never guesses.
// `expt export sql --schema --dialect clickhouse` prints the tables' DDL instead.

#include <optional>
#include <string>

#include "commands/common/command.h"
#include "commands/common/registry_access.h"
#include "core/usecase/warehouse_query.h"

namespace expt {

struct ExportSqlOptions {
  RegistryOptions registry;
  std::string experiment;  // empty with --schema
  std::string dialect = "clickhouse";
  bool schema = false;
  WarehouseQueryOptions query;
  std::string source;  // clickhouse://...: the tables' column types (else query.timestamp_types)
  std::string insert_into;  // with --as-of: an INSERT into this aggregates table
  // CUPED covariate rows, as for analyze: unset follows the experiment's spec.
  std::optional<bool> cuped;
  std::optional<double> cuped_window_days;
};

ExitCode run_export_sql(const ExportSqlOptions& options, Io& io);

}  // namespace expt
