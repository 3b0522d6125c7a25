#include "tests/core/warehouse/aggregate_query_fixture.h"

namespace expt {

MetricSpec conversion_metric() {
  MetricSpec m;
  m.key = "conv";
  m.type = MetricType::conversion;
  m.measure.event_type = "purchase";
  return m;
}

MetricSpec percentile_metric(double p) {
  MetricSpec m;
  m.key = "load_p95";
  m.type = MetricType::percentile;
  m.quantile = p;
  m.measure.event_type = "page_load";
  return m;
}

AggregateQuery sample_aggregate_query(std::vector<MetricSpec> metrics) {
  AggregateQuery q;
  q.experiment = "it's";
  q.variants = {"control", "treatment"};
  q.metrics = std::move(metrics);
  q.events.name = "analytics.events";
  q.exposures.name = "exposures";
  q.events.types = {{"timestamp", "DateTime"}};
  q.exposures.types = {{"timestamp", "DateTime"}};
  return q;
}

}  // namespace expt
