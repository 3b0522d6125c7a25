#include "core/usecase/warehouse_query.h"

#include <fmt/format.h>

#include "core/base/timestamp.h"
#include "core/ingest/column_mapping.h"
#include "core/usecase/data_source.h"

namespace expt {

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
  return q;
}

}  // namespace expt
