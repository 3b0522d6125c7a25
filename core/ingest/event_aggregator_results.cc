#include "core/ingest/event_aggregator.h"

// EventAggregator's results: each metric's per-variant statistics from the per-entity totals
// (finish), and the daily view's replay of the counted events (replay_days).

#include "core/ingest/daily_replay.h"

namespace expt {

double EventAggregator::value_of(const Accumulator& a, Aggregation aggregation) {
  switch (aggregation) {
    case Aggregation::sum: return a.sum;
    case Aggregation::count: return a.count;
    case Aggregation::avg: return a.count > 0 ? a.sum / a.count : 0.0;
  }
  return 0;
}

std::vector<MetricAggregate> EventAggregator::finish() {
  std::vector<MetricAggregate> result;
  const size_t entities = m_exposures.exposures.size();
  for (size_t i = 0; i < m_metrics.size(); ++i) {
    const MetricSpec& m = m_metrics[i];
    MetricAggregate a;
    a.metric = m;
    const int slot = m_metric_slot[i];
    switch (m.type) {
      case MetricType::conversion:
      case MetricType::mean: {
        const Slot& s = m_slots[static_cast<size_t>(slot)];
        auto value = [&](const Accumulator& acc) {
          return m.type == MetricType::conversion ? (acc.count > 0 ? 1.0 : 0.0) : value_of(acc, m.measure.aggregation);
        };
        const bool covariate = m_covariates.metrics[i];
        a.mean.resize(m_variants);
        if (covariate) a.cuped.resize(m_variants);
        for (uint32_t e = 0; e < entities; ++e) {
          const int32_t v = m_exposures.exposures[e].variant;
          if (v < 0) continue;
          const double y = value(totals(s, e));
          a.mean[static_cast<size_t>(v)].add(y);
          if (covariate) a.cuped[static_cast<size_t>(v)].add(y, value(s.pre[e]));
        }
        break;
      }
      case MetricType::ratio: {
        const Slot& numerator = m_slots[static_cast<size_t>(slot)];
        const Slot& denominator = m_slots[static_cast<size_t>(m_metric_denominator[i])];
        a.ratio.resize(m_variants);
        for (uint32_t e = 0; e < entities; ++e) {
          const int32_t v = m_exposures.exposures[e].variant;
          if (v < 0) continue;
          a.ratio[static_cast<size_t>(v)].add(value_of(totals(numerator, e), m.measure.aggregation),
                                              value_of(totals(denominator, e), m.denominator->aggregation));
        }
        break;
      }
      case MetricType::percentile:
        if (!m_spilled.empty()) break;  // estimate_spilled_quantiles gives the estimates
        // Renumber entities densely within each variant, as the quantile method expects.
        a.quantile = std::move(m_quantile[i]);
        for (QuantileSample& sample : a.quantile) {
          std::vector<uint32_t> local(entities, UINT32_MAX);
          for (uint32_t& e : sample.entity) {
            if (local[e] == UINT32_MAX) local[e] = sample.entities++;
            e = local[e];
          }
        }
        break;
    }
    result.push_back(std::move(a));
  }
  return result;
}

void EventAggregator::replay_days(const std::function<void(const DailyAggregates&)>& on_day, size_t max_days) {
  std::vector<ReplayMetric> metrics;
  for (size_t i = 0; i < m_metrics.size(); ++i) {
    ReplayMetric r{m_metrics[i], m_metric_slot[i], m_metric_denominator[i], {}};
    if (m_covariates.metrics[i]) {
      const Slot& s = m_slots[static_cast<size_t>(m_metric_slot[i])];
      r.covariate.resize(m_exposures.exposures.size());
      for (uint32_t e = 0; e < r.covariate.size(); ++e) {
        r.covariate[e] = m_metrics[i].type == MetricType::conversion ? (s.pre[e].count > 0 ? 1.0 : 0.0)
                                                                     : value_of(s.pre[e], m_metrics[i].measure.aggregation);
      }
    }
    metrics.push_back(std::move(r));
  }
  replay_daily(m_exposures, metrics, m_slots.size(), m_variants, std::move(m_counted), on_day, max_days);
  m_counted.clear();
}

}  // namespace expt
