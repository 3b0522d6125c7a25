#include "core/ingest/daily_replay.h"

#include <algorithm>
#include <map>

#include "core/base/timestamp.h"

namespace expt {

namespace {

constexpr int64_t k_day_ms = 86'400'000;

int64_t day_of(int64_t ms) { return ms >= 0 ? ms / k_day_ms : -((-ms + k_day_ms - 1) / k_day_ms); }

struct Accumulator {
  double sum = 0;
  uint32_t count = 0;
};

double value_of(const Accumulator& a, Aggregation aggregation) {
  switch (aggregation) {
    case Aggregation::sum: return a.sum;
    case Aggregation::count: return a.count;
    case Aggregation::avg: return a.count > 0 ? a.sum / a.count : 0.0;
  }
  return 0;
}

// Raw running sums per variant: entities come and values change, so the sums are updated by
// differences (new - old), which Welford's recurrence cannot do.
struct Sums {
  int64_t n = 0;
  double y = 0, yy = 0, x = 0, xx = 0, xy = 0;
};

// The replay's state: per event type and entity the totals so far, per metric and variant the
// running sums and percentile samples, and per variant the entities in at the current day's end.
class Replay {
 public:
  Replay(const ExposureTable& exposures, const std::vector<ReplayMetric>& metrics, size_t slots, size_t variants)
      : m_metrics(metrics),
        m_entities(exposures.exposures.size()),
        m_variant_of(exposures.exposures.size(), -1),
        m_acc(slots, std::vector<Accumulator>(exposures.exposures.size())),
        m_metrics_of_slot(slots),
        m_sums(metrics.size(), std::vector<Sums>(variants)),
        m_samples(metrics.size(), std::vector<QuantileSample>(variants)),
        m_local(metrics.size()),
        m_exposed(variants, 0),
        m_old_y(metrics.size()),
        m_old_d(metrics.size()) {
    for (size_t m = 0; m < metrics.size(); ++m) {
      m_metrics_of_slot[static_cast<size_t>(metrics[m].slot)].push_back(m);
      if (metrics[m].denominator_slot >= 0 && metrics[m].denominator_slot != metrics[m].slot) {
        m_metrics_of_slot[static_cast<size_t>(metrics[m].denominator_slot)].push_back(m);
      }
      if (metrics[m].metric.type == MetricType::percentile) m_local[m].assign(m_entities, k_none);
    }
  }

  void set_variant(uint32_t e, int32_t variant) { m_variant_of[e] = variant; }
  void enter(uint32_t e);
  void apply(const CountedEvent& ev);
  // Takes an entity's contributions out again (its second variant has appeared).
  void remove(uint32_t e);
  DailyAggregates aggregates(int64_t day) const;

 private:
  static constexpr uint32_t k_none = UINT32_MAX;

  // A metric's per-entity value (y) and, for ratios, denominator (d).
  double y_of(size_t m, uint32_t e) const {
    const ReplayMetric& r = m_metrics[m];
    const Accumulator& a = m_acc[static_cast<size_t>(r.slot)][e];
    return r.metric.type == MetricType::conversion ? (a.count > 0 ? 1.0 : 0.0) : value_of(a, r.metric.measure.aggregation);
  }
  double d_of(size_t m, uint32_t e) const {
    const ReplayMetric& r = m_metrics[m];
    return r.denominator_slot < 0 ? 0.0
                                  : value_of(m_acc[static_cast<size_t>(r.denominator_slot)][e], r.metric.denominator->aggregation);
  }
  void remove_from_sample(size_t m, size_t v, uint32_t e);

  const std::vector<ReplayMetric>& m_metrics;
  size_t m_entities;
  std::vector<int32_t> m_variant_of;             // -1: not in at the current day's end
  std::vector<std::vector<Accumulator>> m_acc;   // per slot, per entity
  std::vector<std::vector<size_t>> m_metrics_of_slot;
  std::vector<std::vector<Sums>> m_sums;         // per metric, per variant
  std::vector<std::vector<QuantileSample>> m_samples;
  // Percentile metrics: each entity's index in its variant's sample (k_none until its first value).
  std::vector<std::vector<uint32_t>> m_local;
  std::vector<int64_t> m_exposed;
  std::vector<double> m_old_y, m_old_d;
};

void Replay::enter(uint32_t e) {
  const auto v = static_cast<size_t>(m_variant_of[e]);
  ++m_exposed[v];
  for (size_t m = 0; m < m_metrics.size(); ++m) {
    Sums& s = m_sums[m][v];
    ++s.n;  // with y = 0 and d = 0 until its events come
    if (!m_metrics[m].covariate.empty()) {
      const double x = m_metrics[m].covariate[e];
      s.x += x;
      s.xx += x * x;
    }
  }
}

void Replay::apply(const CountedEvent& ev) {
  const uint32_t e = ev.entity;
  if (m_variant_of[e] < 0) return;  // an entity that was never in at a day's end
  const auto v = static_cast<size_t>(m_variant_of[e]);
  const std::vector<size_t>& touched = m_metrics_of_slot[ev.slot];
  for (size_t m : touched) {
    m_old_y[m] = y_of(m, e);
    m_old_d[m] = d_of(m, e);
  }
  Accumulator& a = m_acc[ev.slot][e];
  a.sum += ev.value;
  a.count += 1;
  for (size_t m : touched) {
    const double y = y_of(m, e), d = d_of(m, e);
    const double old_y = m_old_y[m], old_d = m_old_d[m];
    Sums& s = m_sums[m][v];
    s.y += y - old_y;
    s.yy += y * y - old_y * old_y;
    if (m_metrics[m].metric.type == MetricType::ratio) {
      s.x += d - old_d;
      s.xx += d * d - old_d * old_d;
      s.xy += y * d - old_y * old_d;
    } else if (!m_metrics[m].covariate.empty()) {
      s.xy += (y - old_y) * m_metrics[m].covariate[e];
    }
    if (m_metrics[m].metric.type == MetricType::percentile && static_cast<int>(ev.slot) == m_metrics[m].slot) {
      QuantileSample& sample = m_samples[m][v];
      uint32_t& index = m_local[m][e];
      if (index == k_none) index = sample.entities++;
      sample.add(ev.value, index);
    }
  }
}

void Replay::remove(uint32_t e) {
  const auto v = static_cast<size_t>(m_variant_of[e]);
  --m_exposed[v];
  for (size_t m = 0; m < m_metrics.size(); ++m) {
    Sums& s = m_sums[m][v];
    const double y = y_of(m, e), d = d_of(m, e);
    --s.n;
    s.y -= y;
    s.yy -= y * y;
    if (m_metrics[m].metric.type == MetricType::ratio) {
      s.x -= d;
      s.xx -= d * d;
      s.xy -= y * d;
    } else if (!m_metrics[m].covariate.empty()) {
      const double x = m_metrics[m].covariate[e];
      s.x -= x;
      s.xx -= x * x;
      s.xy -= y * x;
    }
    if (!m_local[m].empty() && m_local[m][e] != k_none) remove_from_sample(m, v, e);
  }
  m_variant_of[e] = -1;
}

// The entity's values leave the percentile sample; later entities move down one index.
void Replay::remove_from_sample(size_t m, size_t v, uint32_t e) {
  QuantileSample& sample = m_samples[m][v];
  const uint32_t gone = m_local[m][e];
  QuantileSample kept;
  for (size_t k = 0; k < sample.values.size(); ++k) {
    if (sample.entity[k] != gone) kept.add(sample.values[k], sample.entity[k] > gone ? sample.entity[k] - 1 : sample.entity[k]);
  }
  kept.entities = sample.entities - 1;
  sample = std::move(kept);
  m_local[m][e] = k_none;
  for (uint32_t other = 0; other < m_entities; ++other) {
    uint32_t& index = m_local[m][other];
    if (index != k_none && index > gone && m_variant_of[other] == static_cast<int32_t>(v)) --index;
  }
}

DailyAggregates Replay::aggregates(int64_t day) const {
  DailyAggregates d;
  d.day = format_utc(day * k_day_ms).substr(0, 10);
  d.end_ms = (day + 1) * k_day_ms;
  d.entities = m_exposed;
  for (size_t m = 0; m < m_metrics.size(); ++m) {
    MetricAggregate a;
    a.metric = m_metrics[m].metric;
    for (size_t v = 0; v < m_exposed.size(); ++v) {
      const Sums& s = m_sums[m][v];
      switch (a.metric.type) {
        case MetricType::conversion:
        case MetricType::mean:
          a.mean.push_back(MeanStats::from_sums(s.n, s.y, s.yy));
          if (!m_metrics[m].covariate.empty()) a.cuped.push_back(RatioStats::from_sums(s.n, s.y, s.x, s.yy, s.xx, s.xy));
          break;
        case MetricType::ratio: a.ratio.push_back(RatioStats::from_sums(s.n, s.y, s.x, s.yy, s.xx, s.xy)); break;
        case MetricType::percentile: a.quantile.push_back(m_samples[m][v]); break;
      }
    }
    d.metrics.push_back(std::move(a));
  }
  return d;
}

}  // namespace

void replay_daily(const ExposureTable& exposures, const std::vector<ReplayMetric>& metrics, size_t slots, size_t variants,
                  std::vector<CountedEvent> events, const std::function<void(const DailyAggregates&)>& on_day,
                  size_t max_days) {
  std::sort(events.begin(), events.end(), [](const CountedEvent& a, const CountedEvent& b) { return a.at_ms < b.at_ms; });
  Replay replay(exposures, metrics, slots, variants);
  // The days with activity, the entities entering on each, and those leaving: an entity seen in
  // two variants is in its first until the day the second appears.
  std::map<int64_t, std::vector<uint32_t>> entering, leaving;
  for (uint32_t e = 0; e < exposures.exposures.size(); ++e) {
    if (exposures.exposures[e].variant >= 0) {
      replay.set_variant(e, exposures.exposures[e].variant);
      entering[day_of(exposures.exposures[e].at_ms)].push_back(e);
    }
  }
  for (const auto& [e, c] : exposures.conflicts) {
    if (c.excluded_from_ms <= c.at_ms || day_of(c.excluded_from_ms) == day_of(c.at_ms)) continue;  // never in at a day's end
    replay.set_variant(e, c.variant);
    entering[day_of(c.at_ms)].push_back(e);
    leaving[day_of(c.excluded_from_ms)].push_back(e);
  }
  std::vector<int64_t> days;
  for (const auto& [day, list] : entering) days.push_back(day);
  for (const auto& [day, list] : leaving) days.push_back(day);
  for (const CountedEvent& ev : events) days.push_back(day_of(ev.at_ms));
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  const size_t first_kept = days.size() > max_days ? days.size() - max_days : 0;

  size_t next_event = 0;
  for (size_t i = 0; i < days.size(); ++i) {
    const int64_t day = days[i];
    if (auto it = entering.find(day); it != entering.end()) {
      for (uint32_t e : it->second) replay.enter(e);
    }
    const int64_t end = (day + 1) * k_day_ms;
    for (; next_event < events.size() && events[next_event].at_ms < end; ++next_event) replay.apply(events[next_event]);
    if (auto it = leaving.find(day); it != leaving.end()) {
      for (uint32_t e : it->second) replay.remove(e);
    }
    if (i >= first_kept) on_day(replay.aggregates(day));
  }
}

}  // namespace expt
