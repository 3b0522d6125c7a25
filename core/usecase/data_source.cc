#include "core/usecase/data_source.h"

namespace expt {

std::unique_ptr<DataSource> choose_data_source(const AnalysisRequest& request, Session& session) {
  if (!request.source.empty()) return clickhouse_source(request, session);
  if (!request.aggregates.empty()) return aggregates_source(request, session);
  return csv_source(request, session);
}

AnalysisInput input_from_aggregates(ExperimentAggregates a) {
  AnalysisInput input;
  input.aggregates = std::move(a.metrics);
  input.entities = std::move(a.entities);
  input.exposures = std::move(a.exposures);
  input.events = std::move(a.events);
  // Only the event types the rows name: another engine's file may count no event rows at all,
  // and a type it does not mention is unknown, not absent.
  for (const auto& [type, rows] : a.event_type_rows) input.event_type_rows[type] += rows;
  // A percentile's rows do count its events, so a percentile metric with none is known to have
  // no events (and is reported as a data problem, as the CSV path reports it).
  for (const MetricAggregate& m : input.aggregates) {
    if (m.metric.type != MetricType::percentile || input.event_type_rows.contains(m.metric.measure.event_type)) continue;
    int64_t events = 0;
    for (const QuantileSummary& q : m.quantile_summary) events += q.events;
    if (events == 0) input.event_type_rows[m.metric.measure.event_type] = 0;
  }
  return input;
}

std::vector<std::string> variant_keys(const ExperimentRecord& experiment) {
  std::vector<std::string> keys;
  for (const VariantSpec& v : experiment.spec.variants) keys.push_back(v.key);
  return keys;
}

}  // namespace expt
