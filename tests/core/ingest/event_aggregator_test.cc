#include <sstream>

#include <catch2/catch.hpp>

#include "core/ingest/csv_reader.h"
#include "core/ingest/event_aggregator.h"
#include "core/ingest/exposure_table.h"

namespace expt {
namespace {

MetricSpec metric(const std::string& key, MetricType type, Aggregation aggregation = Aggregation::sum) {
  MetricSpec m;
  m.key = key;
  m.type = type;
  m.measure.event_type = "purchase";
  m.measure.aggregation = aggregation;
  return m;
}

TEST_CASE("a CUPED covariate is the metric over the window before exposure, edges included as documented", "[ingest][cuped]") {
  // a is exposed to control, b at the same instant to treatment.
  const int64_t day = 86'400'000, at = 20'000 * day;  // 13 digits: epoch milliseconds
  std::istringstream exposures_in("entity_id,experiment,variant,timestamp\n"
                                  "a,exp,control," + std::to_string(at) + "\n"
                                  "b,exp,treatment," + std::to_string(at) + "\n");
  CsvReader exposure_reader(exposures_in, "exposures.csv");
  ExposureCounts exposure_counts;
  auto exposures = read_exposures(exposure_reader, ColumnMapping{}, ExperimentArms{"exp", {"control", "treatment"}}, nullptr,
                                  IngestOptions{}, exposure_counts);
  REQUIRE(exposures);
  auto row = [](const std::string& id, const std::string& entity, int64_t ts, double value) {
    return id + "," + entity + ",purchase," + std::to_string(ts) + "," + std::to_string(value) + "\n";
  };
  std::istringstream events_in("event_id,entity_id,event_type,timestamp,value\n" +
                               row("1", "a", at - 14 * day, 5) +      // the window's first instant: in
                               row("2", "a", at - 14 * day - 1, 7) +  // just before it: out
                               row("3", "a", at - 1, 3) +             // just before exposure: in
                               row("3", "a", at - 1, 3) +             // a duplicate: once
                               row("4", "a", at, 11) +                // at exposure: the metric
                               row("5", "b", at + day, 2));
  CsvReader event_reader(events_in, "events.csv");
  CovariateWindows windows;
  windows.metrics = {true, false, true};
  EventAggregator aggregator(*exposures, {metric("revenue", MetricType::mean), metric("orders", MetricType::mean, Aggregation::count),
                                          metric("converted", MetricType::conversion)},
                             2, windows);
  EventCounts counts;
  REQUIRE(aggregator.ingest(event_reader, ColumnMapping{}, IngestOptions{}, counts));
  CHECK(counts.before_exposure == 3);
  CHECK(counts.covariate == 2);
  CHECK(counts.duplicates == 1);
  const std::vector<MetricAggregate> a = aggregator.finish();
  REQUIRE(a[0].cuped.size() == 2);
  CHECK(a[0].cuped[0].mean_x == 11);  // a's revenue after exposure
  CHECK(a[0].cuped[0].mean_y == 8);   // a's revenue in the window: 5 + 3
  CHECK(a[0].cuped[1].mean_x == 2);
  CHECK(a[0].cuped[1].mean_y == 0);   // b has no pre-exposure events
  CHECK(a[1].cuped.empty());          // orders: no CUPED asked
  CHECK(a[2].cuped[0].mean_y == 1);   // converted before exposure
  CHECK(a[2].cuped[1].mean_y == 0);
}

}  // namespace
}  // namespace expt
