#include <sstream>

#include <catch2/catch.hpp>

#include "core/ingest/csv_reader.h"
#include "core/ingest/daily_replay.h"
#include "core/ingest/event_aggregator.h"
#include "core/ingest/exposure_table.h"

namespace expt {
namespace {

MetricSpec metric(const std::string& key, MetricType type, const std::string& event_type) {
  MetricSpec m;
  m.key = key;
  m.type = type;
  m.measure.event_type = event_type;
  m.measure.aggregation = Aggregation::sum;
  m.quantile = 0.5;
  return m;
}

TEST_CASE("a daily replay has an entity in two variants in its first until the second appears", "[ingest][by-day]") {
  // Days are 2026-11-01 (d1), 02 (d2) and 03 (d3). c is exposed to control on d1 and to
  // treatment on d3: in control at the end of d1 and d2, in neither from d3.
  std::istringstream exposures_in("entity_id,experiment,variant,timestamp\n"
                                  "a,exp,control,2026-11-01T01:00:00Z\n"
                                  "c,exp,treatment,2026-11-03T05:00:00Z\n"
                                  "b,exp,treatment,2026-11-01T02:00:00Z\n"
                                  "c,exp,control,2026-11-01T03:00:00Z\n");
  CsvReader exposure_reader(exposures_in, "exposures.csv");
  ExposureCounts exposure_counts;
  auto exposures = read_exposures(exposure_reader, ColumnMapping{}, ExperimentArms{"exp", {"control", "treatment"}}, nullptr,
                                  IngestOptions{}, exposure_counts);
  REQUIRE(exposures);
  CHECK(exposure_counts.conflicting_entities == 1);
  REQUIRE(exposures->conflicts.size() == 1);
  const ExposureConflict& c = exposures->conflicts.begin()->second;
  CHECK(c.variant == 0);
  CHECK(c.excluded_from_ms - c.at_ms == (2 * 24 + 2) * 3'600'000LL);

  std::istringstream events_in("event_id,entity_id,event_type,timestamp,value\n"
                               "1,a,load,2026-11-01T04:00:00Z,10\n"
                               "2,c,load,2026-11-01T05:00:00Z,30\n"
                               "3,c,load,2026-11-02T05:00:00Z,50\n"
                               "3,c,load,2026-11-02T05:00:00Z,50\n"  // a duplicate
                               "4,b,load,2026-11-02T06:00:00Z,20\n"
                               "5,a,load,2026-11-03T01:00:00Z,12\n"
                               "6,c,load,2026-11-03T06:00:00Z,70\n");  // after c's second variant: never counted
  CsvReader event_reader(events_in, "events.csv");
  EventAggregator aggregator(*exposures, {metric("spend", MetricType::mean, "load"), metric("median", MetricType::percentile, "load")}, 2);
  aggregator.keep_counted_events();
  EventCounts counts;
  REQUIRE(aggregator.ingest(event_reader, ColumnMapping{}, IngestOptions{}, counts));
  CHECK(counts.unexposed == 4);  // c's rows, as in the whole analysis

  std::vector<std::string> days;
  std::vector<std::vector<int64_t>> entities;
  std::vector<double> control_spend;
  std::vector<std::vector<double>> control_values;
  aggregator.replay_days([&](const DailyAggregates& d) {
    days.push_back(d.day);
    entities.push_back(d.entities);
    control_spend.push_back(d.metrics[0].mean[0].sum());
    control_values.push_back(d.metrics[1].quantile[0].values);
    CHECK(d.metrics[1].quantile[0].entities == (d.day == "2026-11-03" ? 1u : 2u));
  });
  CHECK(days == std::vector<std::string>{"2026-11-01", "2026-11-02", "2026-11-03"});
  CHECK(entities == std::vector<std::vector<int64_t>>{{2, 1}, {2, 1}, {1, 1}});
  CHECK(control_spend == std::vector<double>{40, 90, 22});
  CHECK(control_values[1] == std::vector<double>{10, 30, 50});
  CHECK(control_values[2] == std::vector<double>{10, 12});
}

}  // namespace
}  // namespace expt
