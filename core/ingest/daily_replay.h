#pragma once
// Cumulative daily statistics from one pass over the events: the aggregator keeps each counted
// event (entity, event type slot, time, value), and replaying them in time order gives, for each
// UTC day with an exposure or a counted event, the per-variant statistics of the data up to that
// day's end: the entities exposed by then (0 until their first event) and their events so far.
// The same rules as the full analysis, so the last day equals it; an entity found in two
// variants is excluded from every day, as it is from the whole.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/ingest/event_aggregator.h"
#include "core/ingest/exposure_table.h"

namespace expt {

// One bound metric as the replay reads it: its slots, and the entities' CUPED covariates (empty:
// no CUPED), which do not change over days since they come before each exposure.
struct ReplayMetric {
  MetricSpec metric;
  int slot = 0;
  int denominator_slot = -1;
  std::vector<double> covariate;  // per entity index
};

struct DailyAggregates {
  std::string day;               // YYYY-MM-DD (UTC)
  int64_t end_ms = 0;            // the day's end: the data counted is before it
  std::vector<int64_t> entities;  // exposed entities per variant by then
  std::vector<MetricAggregate> metrics;
};

// `events` are replayed in time order (sorted here); `on_day` gets each day's statistics in day
// order, to analyse before the next (a day's percentile samples are copies, so keeping every
// day's would cost the values times the days). Only the last `max_days` days are given.
void replay_daily(const ExposureTable& exposures, const std::vector<ReplayMetric>& metrics, size_t slots, size_t variants,
                  std::vector<CountedEvent> events, const std::function<void(const DailyAggregates&)>& on_day,
                  size_t max_days = 3660);

}  // namespace expt
