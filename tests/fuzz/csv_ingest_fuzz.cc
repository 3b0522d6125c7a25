// libFuzzer harness: the CSV reader, timestamp parsing and the whole ingest (exposures, then
// events folded into every metric type) over any bytes. The input is split at its first NUL
// into the exposures and the events file.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include "core/base/timestamp.h"
#include "core/ingest/event_aggregator.h"
#include "core/stats/cuped.h"
#include "core/ingest/exposure_table.h"

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
  expt::EventAggregator aggregator(*exposures,
                                   {metric("conv", expt::MetricType::conversion, "buy", expt::Aggregation::count),
                                    metric("rev", expt::MetricType::mean, "buy", expt::Aggregation::sum),
                                    metric("ratio", expt::MetricType::ratio, "buy", expt::Aggregation::sum),
                                    metric("p90", expt::MetricType::percentile, "load", expt::Aggregation::sum)},
                                   arms.variants.size(),
                                   expt::CovariateWindows{{true, true, true, true}, 7 * 86'400'000LL});  // CUPED too
  std::istringstream events_in(events_text);
  expt::CsvReader events_reader(events_in, "events.csv", 32);
  expt::EventCounts event_counts;
  if (aggregator.ingest(events_reader, expt::ColumnMapping{}, options, event_counts)) {
    for (const expt::MetricAggregate& a : aggregator.finish()) {
      if (!a.cuped.empty()) (void)expt::cuped_adjust(a.cuped);
    }
  }
  return 0;
}
