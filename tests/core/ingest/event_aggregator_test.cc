#include <sstream>
#include <string>
#include <unordered_map>
#include <utility>

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

TEST_CASE("a second aggregator over the same exposures starts from zero totals", "[ingest]") {
  std::istringstream exposures_in("entity_id,experiment,variant,timestamp\na,exp,control,1000\nb,exp,treatment,1000\n");
  CsvReader exposure_reader(exposures_in, "exposures.csv");
  ExposureCounts exposure_counts;
  auto exposures = read_exposures(exposure_reader, ColumnMapping{}, ExperimentArms{"exp", {"control", "treatment"}}, nullptr,
                                  IngestOptions{}, exposure_counts);
  REQUIRE(exposures);
  const std::string events = "event_id,entity_id,event_type,timestamp,value\n1,a,purchase,2000,3\n2,b,purchase,2000,5\n";
  for (int run = 0; run < 2; ++run) {
    EventAggregator aggregator(*exposures, {metric("revenue", MetricType::mean)}, 2);
    std::istringstream events_in(events);
    CsvReader event_reader(events_in, "events.csv");
    EventCounts counts;
    REQUIRE(aggregator.ingest(event_reader, ColumnMapping{}, IngestOptions{}, counts));
    const std::vector<MetricAggregate> a = aggregator.finish();
    INFO("run " << run);
    CHECK(a[0].mean[0].mean == 3);
    CHECK(a[0].mean[1].mean == 5);
  }
}

// Two entity IDs whose hashes share the 32 bits the entity index keeps.
std::pair<std::string, std::string> ids_sharing_index_bits() {
  std::unordered_map<uint32_t, std::string> seen;
  for (int i = 0;; ++i) {
    std::string id = "u" + std::to_string(i);
    auto [it, fresh] = seen.emplace(static_cast<uint32_t>(EntityIndex::hash(id)), id);
    if (!fresh) return {it->second, id};
  }
}

TEST_CASE("events of entities whose hashes share the index's bits count for their own entity, on one and two threads", "[ingest][threads]") {
  const auto [first, second] = ids_sharing_index_bits();
  REQUIRE(static_cast<uint32_t>(EntityIndex::hash(first)) == static_cast<uint32_t>(EntityIndex::hash(second)));
  // The first is exposed to control; the second to treatment, and a third ID sharing nothing
  // has events but no exposure. The second's candidate record is the first's.
  const std::string exposures_text = "entity_id,experiment,variant,timestamp\n" + first + ",exp,control,1000\n" + second +
                                     ",exp,treatment,1000\n";
  std::string events_text = "event_id,entity_id,event_type,timestamp,value\n";
  for (int i = 0; i < 3; ++i) events_text += "f" + std::to_string(i) + "," + first + ",purchase,2000,1\n";
  for (int i = 0; i < 5; ++i) events_text += "s" + std::to_string(i) + "," + second + ",purchase,2000,10\n";
  events_text += "x1,someone-else,purchase,2000,100\n";
  for (unsigned threads : {1u, 2u}) {
    std::istringstream exposures_in(exposures_text);
    CsvReader exposure_reader(exposures_in, "exposures.csv");
    ExposureCounts exposure_counts;
    auto exposures = read_exposures(exposure_reader, ColumnMapping{}, ExperimentArms{"exp", {"control", "treatment"}},
                                    nullptr, IngestOptions{}, exposure_counts);
    REQUIRE(exposures);
    REQUIRE(exposures->exposures.size() == 2);
    CHECK(exposures->entities.candidate(EntityIndex::hash(second)) == 0);
    CHECK(exposures->find(second) == 1);
    EventAggregator aggregator(*exposures, {metric("revenue", MetricType::mean)}, 2);
    std::istringstream events_in(events_text);
    CsvReader event_reader(events_in, "events.csv");
    EventCounts counts;
    IngestOptions options;
    options.threads = threads;
    REQUIRE(aggregator.ingest(event_reader, ColumnMapping{}, options, counts));
    CHECK(counts.counted == 8);
    CHECK(counts.unexposed == 1);
    const std::vector<MetricAggregate> a = aggregator.finish();
    CHECK(a[0].mean[0].mean == 3);   // the first: three events of 1
    CHECK(a[0].mean[1].mean == 50);  // the second: five of 10
  }
}

}  // namespace
}  // namespace expt
