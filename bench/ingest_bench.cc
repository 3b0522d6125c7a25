// CSV ingest and aggregation, the hot path of `expt analyze`: the CSV reader alone, exposures,
// events folded into per-entity accumulators (dedup, exposure join, time filter), and inference
// over the aggregates. Data is generated in memory (200,000 entities, 2,000,000 events, 2% of
// them retries) so the benchmark needs no files; docs/performance.md also reports the
// end-to-end run on 10 million events.

#include <random>
#include <sstream>
#include <string>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "core/analysis/experiment_analysis.h"
#include "core/ingest/csv_reader.h"
#include "core/ingest/event_aggregator.h"
#include "core/ingest/exposure_table.h"

namespace {

constexpr int k_entities = 200000;
constexpr int k_events = 2000000;

struct Data {
  std::string exposures;
  std::string events;
};

const Data& data() {
  static const Data d = [] {
    Data out;
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> unit(0, 1);
    std::vector<int64_t> exposed(k_entities);
    out.exposures = "entity_id,experiment,variant,timestamp\n";
    for (int i = 0; i < k_entities; ++i) {
      exposed[static_cast<size_t>(i)] = 1793491200 + static_cast<int64_t>(unit(rng) * 7 * 86400);
      out.exposures += fmt::format("user-{:07d},bench,{},{}\n", i, unit(rng) < 0.5 ? "control" : "treatment",
                                   exposed[static_cast<size_t>(i)]);
    }
    out.events = "event_id,entity_id,event_type,timestamp,value\n";
    std::uniform_int_distribution<int> who(0, k_entities - 1);
    for (int i = 0; i < k_events; ++i) {
      const int e = who(rng);
      const bool purchase = unit(rng) < 0.15;
      std::string row = fmt::format("ev{:09d},user-{:07d},{},{},{:.1f}\n", i, e, purchase ? "purchase" : "page_load",
                                    exposed[static_cast<size_t>(e)] + static_cast<int64_t>(unit(rng) * 14 * 86400) - 3600,
                                    purchase ? 20 + unit(rng) * 100 : 400 + unit(rng) * 900);
      out.events += row;
      if (unit(rng) < 0.02) out.events += row;
    }
    return out;
  }();
  return d;
}

std::vector<expt::MetricSpec> metrics() {
  expt::MetricSpec conversion, revenue, p95;
  conversion.key = "conversion";
  conversion.type = expt::MetricType::conversion;
  conversion.measure.event_type = "purchase";
  revenue.key = "revenue";
  revenue.type = expt::MetricType::mean;
  revenue.measure = {"purchase", expt::Aggregation::sum};
  p95.key = "page_load_p95";
  p95.type = expt::MetricType::percentile;
  p95.measure.event_type = "page_load";
  p95.quantile = 0.95;
  return {conversion, revenue, p95};
}

// A read-only stream over a string, without the copy std::istringstream makes of it: the reader
// then does what it does on a file (reads blocks into its buffer), and the benchmark measures
// the parser rather than a 100 MB memmove per iteration.
class StringView : public std::streambuf {
 public:
  explicit StringView(std::string_view text) {
    char* begin = const_cast<char*>(text.data());  // never written: the stream only reads
    setg(begin, begin, begin + text.size());
  }
};

expt::ExposureTable exposures() {
  std::istringstream in(data().exposures);
  expt::CsvReader reader(in, "exposures.csv");
  expt::ExposureCounts counts;
  return std::move(*expt::read_exposures(reader, {}, {"bench", {"control", "treatment"}}, nullptr, {}, counts));
}

void BM_csv_reader(benchmark::State& state) {
  const std::string& text = data().events;
  for (auto _ : state) {
    StringView view(text);
    std::istream in(&view);
    expt::CsvReader reader(in, "events.csv");
    std::vector<std::string_view> fields;
    size_t rows = 0;
    while (*reader.next(fields)) ++rows;
    benchmark::DoNotOptimize(rows);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_csv_reader)->Unit(benchmark::kMillisecond);

void BM_read_exposures(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(exposures());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data().exposures.size()));
}
BENCHMARK(BM_read_exposures)->Unit(benchmark::kMillisecond);

void BM_aggregate_events(benchmark::State& state) {
  expt::ExposureTable table = exposures();
  const std::string& text = data().events;
  for (auto _ : state) {
    expt::EventAggregator aggregator(table, metrics(), 2);
    aggregator.expect_input_bytes(static_cast<int64_t>(text.size()));
    StringView view(text);
    std::istream in(&view);
    expt::CsvReader reader(in, "events.csv");
    expt::EventCounts counts;
    expt::IngestOptions options;
    options.threads = static_cast<unsigned>(state.range(0));
    if (!aggregator.ingest(reader, {}, options, counts)) state.SkipWithError("ingest failed");
    benchmark::DoNotOptimize(aggregator.finish());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * k_events));
}
// The argument is IngestOptions::threads: 1, or 2 with the parse stage on its own thread.
BENCHMARK(BM_aggregate_events)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_inference(benchmark::State& state) {
  expt::ExposureTable table = exposures();
  expt::EventAggregator aggregator(table, metrics(), 2);
  std::istringstream in(data().events);
  expt::CsvReader reader(in, "events.csv");
  expt::EventCounts counts;
  if (!aggregator.ingest(reader, {}, {}, counts)) state.SkipWithError("ingest failed");
  const auto aggregates = aggregator.finish();
  expt::ExperimentSpec experiment;
  experiment.key = "bench";
  experiment.variants = {{"control", 5000, {}, {}}, {"treatment", 5000, {}, {}}};
  for (const auto& m : metrics()) experiment.metrics.push_back({m.key, expt::MetricRole::primary, {}, {}, {}, {}, {}});
  for (auto _ : state) {
    benchmark::DoNotOptimize(expt::analyze_experiment(experiment, aggregates, table.entities_per_variant, {}));
  }
}
BENCHMARK(BM_inference)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
