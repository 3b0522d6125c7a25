// The event ingest's two stages on two threads must give exactly what one thread gives: every
// count and every accumulated bit, and the same first error. Also built under ThreadSanitizer.
#include <cstdlib>
#include <random>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "core/ingest/csv_reader.h"
#include "core/ingest/event_aggregator.h"
#include "core/ingest/exposure_table.h"
#include "core/stats/frequentist.h"

namespace expt {
namespace {

MetricSpec metric(const std::string& key, MetricType type, const std::string& event_type,
                  Aggregation aggregation = Aggregation::sum) {
  MetricSpec m;
  m.key = key;
  m.type = type;
  m.measure.event_type = event_type;
  m.measure.aggregation = aggregation;
  return m;
}

struct Run {
  std::optional<ExposureTable> exposures;
  EventCounts counts;
  std::vector<MetricAggregate> aggregates;
  std::string error;
  size_t presized_bytes = 0;  // the duplicate detector handed over before ingest, and after it
  size_t detector_bytes = 0;
};

// 2,000 entities (every tenth never exposed), 60,000 events over several batches: retries,
// events before exposure, an unknown type, quoted fields, and malformed rows when `bad` is set.
// How the duplicate detector is sized: growing as it fills; by ingest, from its first rows and
// the input's size; or beforehand from the same rows, as a run on two threads does while the
// exposures are read.
enum class Sizing { growing, by_ingest, beforehand };

Run ingest(unsigned threads, bool skip_bad_rows, bool bad_rows, int partitions = 1, bool spill = false,
           Sizing sizing = Sizing::growing) {
  std::mt19937_64 random(17);
  std::string exposures_csv = "entity_id,experiment,variant,timestamp\n";
  for (int e = 0; e < 2000; ++e) {
    if (e % 10 == 9) continue;
    exposures_csv += fmt::format("u{},exp,{},{}\n", e, e % 2 ? "treatment" : "control", 1'800'000'000 + e);
  }
  std::string events_csv = "event_id,entity_id,event_type,timestamp,value\n";
  const char* types[] = {"purchase", "page_load", "visit", "other"};
  for (int i = 0; i < 60000; ++i) {
    const int entity = static_cast<int>(random() % 2000);
    const int id = random() % 50 == 0 ? i - 1 : i;  // a retry of the previous event
    const auto ts = 1'800'000'000 + entity + static_cast<int64_t>(random() % 4000) - 500;
    const double value = static_cast<double>(random() % 100000) / 7.0;
    if (bad_rows && i == 45000) {
      events_csv += fmt::format("e{},u0,purchase,not-a-time,1\n", id);  // u0 is exposed
      continue;
    }
    if (bad_rows && i == 52000) {
      events_csv += "short,row\n";
      continue;
    }
    if (i % 997 == 0) {
      events_csv += fmt::format("\"e{}\",\"u{}\",purchase,{},\"{}\"\n", id, entity, ts, value);
      continue;
    }
    events_csv += fmt::format("e{},u{},{},{},{}\n", id, entity, types[random() % 4], ts, value);
  }
  Run run;
  std::istringstream exposures_in(exposures_csv);
  CsvReader exposure_reader(exposures_in, "exposures.csv");
  ExposureCounts exposure_counts;
  IngestOptions options;
  options.skip_bad_rows = skip_bad_rows;
  options.threads = threads;
  auto exposures = read_exposures(exposure_reader, ColumnMapping{}, ExperimentArms{"exp", {"control", "treatment"}},
                                  nullptr, options, exposure_counts);
  REQUIRE(exposures);
  run.exposures = std::move(*exposures);
  std::istringstream events_in(events_csv);
  CsvReader event_reader(events_in, "events.csv");
  MetricSpec ratio = metric("per_visit", MetricType::ratio, "purchase");
  ratio.denominator = EventMeasure{"visit", Aggregation::count};
  MetricSpec p95 = metric("load_p95", MetricType::percentile, "page_load");
  p95.quantile = 0.95;
  CovariateWindows windows;
  windows.metrics = {true, false, false, false};
  const std::vector<MetricSpec> aggregator_metrics = {metric("revenue", MetricType::mean, "purchase"),
                                                      metric("converted", MetricType::conversion, "purchase"), ratio, p95};
  EventAggregator aggregator(*run.exposures, aggregator_metrics, 2, windows);
  if (sizing != Sizing::growing) aggregator.expect_input_bytes(static_cast<int64_t>(events_csv.size()));
  if (sizing == Sizing::beforehand) {
    std::istringstream head_in(events_csv);
    CsvReader head(head_in, "events.csv");
    FingerprintSet seen = EventAggregator::presized_duplicate_detector(head, ColumnMapping{}, aggregator_metrics,
                                                                       static_cast<int64_t>(events_csv.size()), SIZE_MAX);
    run.presized_bytes = seen.memory_bytes();
    aggregator.adopt_duplicate_detector(std::move(seen));
  }
  if (spill) REQUIRE(aggregator.spill_quantiles(std::getenv("TMPDIR") != nullptr ? std::getenv("TMPDIR") : "/tmp"));
  auto report = [&](const Error& e) { run.error = fmt::format("{}:{}:{}: {}", e.location.file, e.location.line, e.location.column, e.message); };
  for (int partition = 0; partitions > 1 && partition < partitions; ++partition) {
    std::istringstream pass_in(events_csv);
    CsvReader pass_reader(pass_in, "events.csv");
    if (auto marked = aggregator.mark_duplicates(pass_reader, ColumnMapping{}, options, partition, partitions); !marked) {
      report(marked.error());
      return run;
    }
  }
  auto ingested = aggregator.ingest(event_reader, ColumnMapping{}, options, run.counts);
  if (!ingested) {
    report(ingested.error());
    return run;
  }
  run.detector_bytes = aggregator.duplicate_detector_bytes();
  run.aggregates = aggregator.finish();
  if (spill) REQUIRE(aggregator.estimate_spilled_quantiles(run.aggregates, 0.95));
  return run;
}

void require_same(const Run& one, const Run& two) {
  REQUIRE(one.error == two.error);
  // After an error the command reports only the error; the parse stage may have read ahead.
  if (!one.error.empty()) return;
  const EventCounts& a = one.counts;
  const EventCounts& b = two.counts;
  CHECK(a.rows == b.rows);
  CHECK(a.bad_rows == b.bad_rows);
  CHECK(a.other_event_types == b.other_event_types);
  CHECK(a.unexposed == b.unexposed);
  CHECK(a.duplicates == b.duplicates);
  CHECK(a.before_exposure == b.before_exposure);
  CHECK(a.covariate == b.covariate);
  CHECK(a.counted == b.counted);
  CHECK(a.first_ms == b.first_ms);
  CHECK(a.last_ms == b.last_ms);
  REQUIRE(one.aggregates.size() == two.aggregates.size());
  for (size_t m = 0; m < one.aggregates.size(); ++m) {
    const MetricAggregate& x = one.aggregates[m];
    const MetricAggregate& y = two.aggregates[m];
    INFO("metric " << x.metric.key);
    REQUIRE(x.mean.size() == y.mean.size());
    for (size_t v = 0; v < x.mean.size(); ++v) {
      CHECK(x.mean[v].n == y.mean[v].n);
      CHECK(x.mean[v].mean == y.mean[v].mean);  // bit for bit: the same additions in the same order
      CHECK(x.mean[v].m2 == y.mean[v].m2);
    }
    REQUIRE(x.ratio.size() == y.ratio.size());
    for (size_t v = 0; v < x.ratio.size(); ++v) {
      CHECK(x.ratio[v].mean_x == y.ratio[v].mean_x);
      CHECK(x.ratio[v].mean_y == y.ratio[v].mean_y);
      CHECK(x.ratio[v].c_xy == y.ratio[v].c_xy);
    }
    REQUIRE(x.cuped.size() == y.cuped.size());
    for (size_t v = 0; v < x.cuped.size(); ++v) CHECK(x.cuped[v].c_xy == y.cuped[v].c_xy);
    REQUIRE(x.quantile.size() == y.quantile.size());
    for (size_t v = 0; v < x.quantile.size(); ++v) {
      CHECK(x.quantile[v].values == y.quantile[v].values);
      CHECK(x.quantile[v].entity == y.quantile[v].entity);
    }
  }
}

TEST_CASE("ingesting events on two threads gives the same bits as on one", "[ingest][threads]") {
  const Run one = ingest(1, false, false);
  const Run two = ingest(2, false, false);
  REQUIRE(one.error.empty());
  CHECK(one.counts.counted > 20000);
  CHECK(one.counts.duplicates > 500);
  CHECK(one.counts.unexposed > 3000);
  CHECK(one.counts.other_event_types > 10000);
  require_same(one, two);
}

TEST_CASE("with bad rows skipped, two threads count them as one does", "[ingest][threads]") {
  const Run one = ingest(1, true, true);
  CHECK(one.counts.bad_rows == 2);
  require_same(one, ingest(2, true, true));
}

TEST_CASE("the first bad row stops both modes with the same error", "[ingest][threads]") {
  const Run one = ingest(1, false, true);
  CHECK(one.error.find("events.csv:") == 0);
  CHECK(one.error.find("not-a-time") != std::string::npos);
  require_same(one, ingest(2, false, true));
}

TEST_CASE("duplicates marked in partitions, pass by pass, count the same rows as one table, bit for bit", "[ingest][memory]") {
  // The retries above reuse the previous event's ID with another entity, so a repeat is often
  // an ID first counted for someone else: the first valid row must win in every partition too.
  const Run whole = ingest(1, false, false);
  for (int partitions : {2, 3, 7}) {
    for (unsigned threads : {1u, 2u}) {
      INFO(partitions << " partitions, " << threads << " threads");
      require_same(whole, ingest(threads, false, false, partitions));
    }
  }
}

TEST_CASE("percentile values spilled to disk give the in-memory estimates, on one thread or two", "[ingest][memory]") {
  const Run memory = ingest(1, false, false);
  for (unsigned threads : {1u, 2u}) {
    const Run disk = ingest(threads, false, false, 3, true);
    REQUIRE(disk.error.empty());
    CHECK(disk.counts.counted == memory.counts.counted);
    CHECK(disk.counts.duplicates == memory.counts.duplicates);
    const MetricAggregate& p95 = disk.aggregates[3];
    REQUIRE(p95.quantile.empty());
    REQUIRE(p95.quantile_summary.size() == 2);
    for (size_t v = 0; v < 2; ++v) {
      const VariantEstimate a = estimate_quantile(memory.aggregates[3].quantile[v], 0.95, TestConfig{0.95});
      const VariantEstimate b = estimate_quantile(p95.quantile_summary[v], TestConfig{0.95});
      CHECK(a.n == b.n);
      CHECK(a.events == b.events);
      CHECK(a.value == b.value);
      CHECK(a.ci_low == b.ci_low);
      CHECK(a.ci_high == b.ci_high);
      CHECK(a.se == b.se);
    }
    CHECK(disk.aggregates[0].mean[1].mean == memory.aggregates[0].mean[1].mean);
  }
}

TEST_CASE("in partitions, skipped bad rows are counted once and the first bad row is the same error", "[ingest][memory]") {
  const Run skipped = ingest(1, true, true);
  require_same(skipped, ingest(2, true, true, 3));
  CHECK(ingest(1, true, true, 3).counts.bad_rows == 2);
  const Run failed = ingest(1, false, true);
  REQUIRE(!failed.error.empty());
  require_same(failed, ingest(1, false, true, 4));
}

TEST_CASE("a duplicate detector sized before ingest is the one ingest would size, and changes no bit", "[ingest][threads]") {
  const Run plain = ingest(1, false, false);
  for (unsigned threads : {1u, 2u}) {
    INFO(threads << " threads");
    const Run beforehand = ingest(threads, false, false, 1, false, Sizing::beforehand);
    require_same(plain, beforehand);
    CHECK(beforehand.presized_bytes > 0);
    CHECK(beforehand.detector_bytes == beforehand.presized_bytes);  // ingest's own reserve found the room
    const Run by_ingest = ingest(threads, false, false, 1, false, Sizing::by_ingest);
    require_same(plain, by_ingest);
    CHECK(by_ingest.detector_bytes == beforehand.presized_bytes);  // the same projection, the same table
  }
  // Marking duplicates in partitions drops it for tables of their own: the same bits again.
  require_same(plain, ingest(2, false, false, 3, false, Sizing::beforehand));
}

}  // namespace
}  // namespace expt
