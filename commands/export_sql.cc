#include "commands/export_sql.h"

#include <fmt/format.h>

#include "core/stats/cuped.h"
#include "core/usecase/analysis_request.h"
#include "core/warehouse/warehouse_schema.h"

namespace expt {

ExitCode run_export_sql(const ExportSqlOptions& options, Io& io) {
  if (options.dialect != "clickhouse") {
    return report(io, Error::invalid(fmt::format("--dialect must be clickhouse (the only dialect expt writes); got '{}'. "
                                                 "Other warehouses can produce the rows `analyze --aggregates` reads "
                                                 "(docs/warehouse.md)",
                                                 options.dialect)));
  }
  if (options.schema) {
    if (!options.experiment.empty()) return report(io, Error::invalid("--schema prints the tables' DDL; give no experiment"));
    WarehouseSchemaNames names;
    names.events = options.query.events_table;
    names.exposures = options.query.exposures_table;
    if (!options.insert_into.empty()) names.aggregates = options.insert_into;
    io.out << warehouse_schema_sql(names);
    return ExitCode::ok;
  }
  if (options.experiment.empty()) return report(io, Error::invalid("name an EXPERIMENT, or use --schema for the DDL"));
  if (!options.insert_into.empty() && options.query.day.empty()) {
    return report(io, Error::invalid("--insert-into needs --as-of DAY: the aggregates table holds one day per row"));
  }
  if (!(options.query.confidence > 0 && options.query.confidence < 1)) {
    return report(io, Error::invalid(fmt::format("--confidence must be in (0, 1), got {}", options.query.confidence)));
  }
  auto context = read_experiment(options.registry, options.experiment, io);
  if (!context) return report(io, context.error());
  const RegistryState& state = context->state;
  const ExperimentRecord* experiment = &context->experiment();
  auto metrics = bound_metrics(state, *experiment);
  if (!metrics) return report(io, metrics.error());
  auto query = warehouse_query(options.query, *experiment, *metrics);
  if (!query) return report(io, query.error());
  AnalysisRequest analysis;
  analysis.cuped = options.cuped;
  analysis.cuped_window_days = options.cuped_window_days;
  if (options.cuped_window_days && !valid_cuped_window(*options.cuped_window_days)) {
    return report(io, Error::invalid(fmt::format("--cuped-window must be {}, got {}", k_cuped_window_rule, *options.cuped_window_days)));
  }
  query->covariates = analysis_choices(analysis, experiment->spec, *metrics).covariates;
  if (!options.source.empty()) {
    if (!options.query.timestamp_types.empty()) {
      return report(io, Error::invalid("--timestamp-type names the types when there is no --source to read them from; give one",
                                       {}, "timestamp-type"));
    }
    auto source = parse_clickhouse_url(options.source, io.environment.clickhouse_password);
    if (!source) return report(io, source.error());
    ClickHouseClient client(*source);
    if (auto described = describe_from_server(client, state, *experiment, *query); !described) return report(io, described.error());
  }
  auto sql = aggregate_query_sql(*query);
  if (!sql) return report(io, sql.error());
  io.out << fmt::format("-- expt: per-variant sufficient statistics of experiment {} (docs/warehouse.md)\n", options.experiment);
  if (!options.insert_into.empty()) {
    io.out << "INSERT INTO " << sql_identifier(options.insert_into)
           << " (day, experiment, kind, metric, variant, name, n, sum, sum_squares, denominator_sum, "
              "denominator_sum_squares, sum_product, events, value, ci_low, ci_high, confidence)\n";
  }
  io.out << *sql;
  return ExitCode::ok;
}

}  // namespace expt
