#include "core/usecase/data_source.h"

namespace expt {

std::unique_ptr<DataSource> choose_data_source(const AnalysisRequest& request, Session& session) {
  if (!request.source.empty()) return clickhouse_source(request, session);
  if (!request.aggregates.empty()) return aggregates_source(request, session);
  return csv_source(request, session);
}

AnalysisInput input_from_aggregates(ExperimentAggregates a, const std::vector<MetricSpec>& metrics) {
  AnalysisInput input;
  input.aggregates = std::move(a.metrics);
  input.entities = std::move(a.entities);
  input.exposures = std::move(a.exposures);
  input.events = std::move(a.events);
  for (const auto& [type, rows] : a.event_type_rows) input.event_type_rows[type] += rows;
  for (const MetricSpec& m : metrics) {
    input.event_type_rows.try_emplace(m.measure.event_type, 0);
    if (m.denominator) input.event_type_rows.try_emplace(m.denominator->event_type, 0);
  }
  return input;
}

std::vector<std::string> variant_keys(const ExperimentRecord& experiment) {
  std::vector<std::string> keys;
  for (const VariantSpec& v : experiment.spec.variants) keys.push_back(v.key);
  return keys;
}

}  // namespace expt
