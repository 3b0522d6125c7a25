// libFuzzer harness: the CSV reader, timestamp parsing and the whole ingest (exposures, then
// events folded into every metric type) over any bytes. The input is split at its first NUL
// into the exposures and the events file. Where the ingest succeeds it is repeated the way a
// memory limit reads (duplicates marked in 2 partitions, percentile values spilled to disk),
// which must give the same counts and estimates: a difference traps.
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include "core/base/timestamp.h"
#include "core/ingest/event_aggregator.h"
#include "core/ingest/exposure_table.h"
#include "core/stats/cuped.h"
#include "core/stats/frequentist.h"

namespace {

expt::MetricSpec metric(const char* key, expt::MetricType type, const char* event, expt::Aggregation aggregation) {
  expt::MetricSpec m;
  m.key = key;
  m.type = type;
  m.measure = {event, aggregation};
  if (type == expt::MetricType::ratio) m.denominator = expt::EventMeasure{"view", expt::Aggregation::count};
  if (type == expt::MetricType::percentile) m.quantile = 0.9;
  return m;
}

bool same(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }
bool same(const std::optional<double>& a, const std::optional<double>& b) {
  return a.has_value() == b.has_value() && (!a || same(*a, *b));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t split = input.find('\0');
  const std::string exposures_text = input.substr(0, split);
  const std::string events_text = split == std::string::npos ? std::string() : input.substr(split + 1);

  {  // the reader alone, with every field also tried as a timestamp
    std::istringstream in(input);
    expt::CsvReader reader(in, "raw.csv", 16);
    std::vector<std::string_view> fields;
    for (;;) {
      auto more = reader.next(fields);
      if (!more || !*more) break;
      for (std::string_view f : fields) (void)expt::parse_timestamp_ms(f);
    }
  }

  const expt::ExperimentArms arms{"exp", {"control", "treatment"}};
  const expt::IngestOptions options{true};
  std::istringstream exposures_in(exposures_text);
  expt::CsvReader exposures_reader(exposures_in, "exposures.csv", 32);
  expt::ExposureCounts exposure_counts;
  auto exposures = expt::read_exposures(exposures_reader, expt::ColumnMapping{}, arms, nullptr, options, exposure_counts);
  if (!exposures) return 0;
  const std::vector<expt::MetricSpec> metrics = {metric("conv", expt::MetricType::conversion, "buy", expt::Aggregation::count),
                                                 metric("rev", expt::MetricType::mean, "buy", expt::Aggregation::sum),
                                                 metric("ratio", expt::MetricType::ratio, "buy", expt::Aggregation::sum),
                                                 metric("p90", expt::MetricType::percentile, "load", expt::Aggregation::sum)};
  const expt::CovariateWindows windows{{true, true, true, true}, 7 * 86'400'000LL};  // CUPED too
  expt::EventAggregator aggregator(*exposures, metrics, arms.variants.size(), windows);
  std::istringstream events_in(events_text);
  expt::CsvReader events_reader(events_in, "events.csv", 32);
  expt::EventCounts event_counts;
  if (!aggregator.ingest(events_reader, expt::ColumnMapping{}, options, event_counts)) return 0;
  const std::vector<expt::MetricAggregate> whole = aggregator.finish();
  for (const expt::MetricAggregate& a : whole) {
    if (!a.cuped.empty()) (void)expt::cuped_adjust(a.cuped);
  }

  // The same events under a memory limit's plan.
  expt::EventAggregator limited(*exposures, metrics, arms.variants.size(), windows);
  const char* tmp = std::getenv("TMPDIR");
  if (!limited.spill_quantiles(tmp != nullptr ? tmp : "/tmp")) return 0;
  for (int partition = 0; partition < 2; ++partition) {
    std::istringstream pass_in(events_text);
    expt::CsvReader pass_reader(pass_in, "events.csv", 32);
    if (!limited.mark_duplicates(pass_reader, expt::ColumnMapping{}, options, partition, 2)) __builtin_trap();
  }
  std::istringstream again_in(events_text);
  expt::CsvReader again_reader(again_in, "events.csv", 32);
  expt::EventCounts again_counts;
  if (!limited.ingest(again_reader, expt::ColumnMapping{}, options, again_counts)) __builtin_trap();
  std::vector<expt::MetricAggregate> parts = limited.finish();
  if (!limited.estimate_spilled_quantiles(parts, 0.95)) __builtin_trap();
  if (again_counts.counted != event_counts.counted || again_counts.duplicates != event_counts.duplicates ||
      again_counts.bad_rows != event_counts.bad_rows || again_counts.unexposed != event_counts.unexposed) {
    __builtin_trap();
  }
  for (size_t m = 0; m < whole.size(); ++m) {
    for (size_t v = 0; v < whole[m].mean.size(); ++v) {
      if (!same(whole[m].mean[v].mean, parts[m].mean[v].mean) || !same(whole[m].mean[v].m2, parts[m].mean[v].m2)) __builtin_trap();
    }
    for (size_t v = 0; v < whole[m].ratio.size(); ++v) {
      if (!same(whole[m].ratio[v].c_xy, parts[m].ratio[v].c_xy)) __builtin_trap();
    }
    for (size_t v = 0; v < whole[m].quantile.size(); ++v) {
      const expt::TestConfig config{0.95};
      const expt::VariantEstimate a = expt::estimate_quantile(whole[m].quantile[v], 0.9, config);
      const expt::VariantEstimate b = expt::estimate_quantile(parts[m].quantile_summary[v], config);
      // -0 and 0 may differ in sign (docs/analysis.md); compare them as numbers there.
      auto equal = [](const std::optional<double>& x, const std::optional<double>& y) {
        return same(x, y) || (x && y && *x == 0 && *y == 0);
      };
      if (a.n != b.n || a.events != b.events || !equal(a.value, b.value) || !equal(a.ci_low, b.ci_low) ||
          !equal(a.ci_high, b.ci_high) || !equal(a.se, b.se)) {
        __builtin_trap();
      }
    }
  }
  return 0;
}
