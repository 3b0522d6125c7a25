// The CSV data source: the exposures read into a table, then the events in one streaming pass
// (or, under a memory limit, a few), on one thread or two.

#include <fstream>
#include <future>
#include <system_error>
#include <thread>

#include <fmt/format.h>

#include "core/ingest/column_mapping.h"
#include "core/ingest/csv_reader.h"
#include "core/ingest/daily_replay.h"
#include "core/ingest/memory_budget.h"
#include "core/process/input_stream.h"
#include "core/process/spooled_input.h"
#include "core/process/temporary_file.h"
#include "core/registry/registry_snapshot.h"
#include "core/usecase/data_source.h"

namespace expt {

namespace {

// Two threads from 32 MiB of events; a pipe counts as big. Measured (docs/performance.md): at
// 5 and 16 MB one thread and two take the same time, and two cost 8 MB more for their batches;
// at 53 MB two are faster (0.19 s against 0.25 s).
constexpr int64_t k_two_thread_bytes = int64_t{32} << 20;

// How the events are read to stay within the memory limit (core/ingest/memory_budget.h). A pipe
// is read once, in memory (its size is unknown).
// `presized`: bytes already resident for the duplicate detector, which the plan counts as needed.
Result<MemoryPlan> plan_reading(const EventAggregator& aggregator, const std::string& path, const std::string& name,
                                const ColumnMapping& columns, int64_t bytes, int64_t limit, bool daily, int64_t presized,
                                std::istream& in) {
  if (bytes <= 0) return MemoryPlan{};
  auto sample_in = open_input(path, in);
  if (!sample_in) return std::move(sample_in).error();
  CsvReader sample(*sample_in->stream, name);
  auto needs = aggregator.project_needs(sample, columns, bytes, daily);
  if (!needs) return std::move(needs).error();
  needs->resident = std::max<int64_t>(0, resident_bytes() - presized);
  return plan_memory(*needs, limit);
}

class CsvSource final : public DataSource {
 public:
  CsvSource(const AnalysisRequest& request, Session& session) : m_request(request), m_session(session) {}

  std::vector<std::string> files() const override { return {m_request.exposures, m_request.events}; }

  Result<AnalysisInput> read(const AnalysisSubject& subject, const DaySink& on_day) override;

 private:
  // On a second core, sizes the duplicate detector and has its pages zeroed while this one reads
  // the exposures; an invalid future when that is not worth it or no thread is to be had.
  std::future<FingerprintSet> presize_duplicates(const ColumnMapping& columns, const std::vector<MetricSpec>& metrics,
                                                 int64_t file_bytes, int64_t memory_limit) const;
  // The events' passes after the exposures: duplicates marked partition by partition when the
  // plan asks, then the counting pass.
  Result<void> read_events(EventAggregator& aggregator, const ColumnMapping& columns, IngestOptions ingest,
                           FingerprintSet presized, int64_t memory_limit, bool daily, AnalysisInput& input);

  const AnalysisRequest& m_request;
  Session& m_session;
  SpooledInput m_spooled;
};

std::future<FingerprintSet> CsvSource::presize_duplicates(const ColumnMapping& columns, const std::vector<MetricSpec>& metrics,
                                                          int64_t file_bytes, int64_t memory_limit) const {
  try {
    return std::async(std::launch::async, [path = m_request.events, &columns, &metrics, file_bytes, memory_limit] {
      try {
        std::ifstream head(path, std::ios::binary);
        CsvReader reader(head, path);
        return EventAggregator::presized_duplicate_detector(reader, columns, metrics, file_bytes,
                                                            static_cast<size_t>(memory_limit / 4));
      } catch (const std::bad_alloc&) {
        return FingerprintSet();  // ingest sizes it later, and reports running out of memory
      }
    });
  } catch (const std::system_error&) {
    return {};  // no thread to be had: ingest sizes the detector itself, as on one core
  }
}

Result<void> CsvSource::read_events(EventAggregator& aggregator, const ColumnMapping& columns, IngestOptions ingest,
                                    FingerprintSet presized, int64_t memory_limit, bool daily, AnalysisInput& input) {
  const std::string& name = m_request.events;
  // Events from stdin are read once, unless a memory limit is asked for: then they are spooled,
  // so they can be read again.
  std::string path = name;
  if (name == "-" && m_request.memory_limit) {
    auto spooled = m_spooled.spool(m_session.in, "the events from stdin (--memory-limit reads them more than once)");
    if (!spooled) return std::move(spooled).error();
    path = *spooled;
  }
  const int64_t bytes = input_size(path);
  if (bytes > 0) aggregator.expect_input_bytes(bytes);
  if (daily) aggregator.keep_counted_events();
  auto plan = plan_reading(aggregator, path, name, columns, bytes, memory_limit, daily,
                           static_cast<int64_t>(presized.memory_bytes()), m_session.in);
  if (!plan) return std::move(plan).error();
  const int partitions = plan->partitions;
  // Serves a single pass; with partitions, the first marking pass frees it (each starts empty).
  aggregator.adopt_duplicate_detector(std::move(presized));
  if (plan->spill_quantiles) {
    if (auto spilling = aggregator.spill_quantiles(temporary_directory()); !spilling) return std::move(spilling).error();
  }
  ProgressReporter& progress = m_session.progress;
  for (int partition = 0; partitions > 1 && partition < partitions; ++partition) {
    auto pass_in = open_input(path, m_session.in);
    if (!pass_in) return std::move(pass_in).error();
    CsvReader pass_reader(*pass_in->stream, name);
    ingest.progress = progress.for_file(fmt::format("{} (duplicates, pass {} of {})", name, partition + 1, partitions + 1), bytes);
    if (auto marked = aggregator.mark_duplicates(pass_reader, columns, ingest, partition, partitions); !marked) {
      return std::move(marked).error();
    }
  }
  input.source["passes"] = partitions > 1 ? partitions + 1 : 1;
  input.source["spilled_percentiles"] = plan->spill_quantiles;
  auto events_in = open_input(path, m_session.in);
  if (!events_in) return std::move(events_in).error();
  CsvReader event_reader(*events_in->stream, name);
  ingest.progress =
      progress.for_file(partitions > 1 ? fmt::format("{} (pass {} of {})", name, partitions + 1, partitions + 1) : name, bytes);
  if (auto ingested = aggregator.ingest(event_reader, columns, ingest, input.events); !ingested) {
    return std::move(ingested).error();
  }
  progress.clear();
  return {};
}

Result<AnalysisInput> CsvSource::read(const AnalysisSubject& subject, const DaySink& on_day) {
  const AnalysisRequest& r = m_request;
  auto event_columns = parse_column_mapping(r.events_columns, k_event_field_names, "--events-columns");
  if (!event_columns) return std::move(event_columns).error();
  auto exposure_columns = parse_column_mapping(r.exposures_columns, k_exposure_field_names, "--exposures-columns");
  if (!exposure_columns) return std::move(exposure_columns).error();
  int64_t memory_limit = default_memory_limit();
  if (r.memory_limit) {
    auto limit = parse_memory_size(*r.memory_limit);
    if (!limit) return std::move(limit).error();
    memory_limit = *limit;
  }
  const ExperimentRecord& experiment = subject.experiment;
  ExperimentArms arms{experiment.spec.key, variant_keys(experiment)};
  std::optional<VariantRecomputer> recomputer = VariantRecomputer::of(subject.state, experiment);
  VariantOracle oracle;
  if (recomputer) oracle = [&recomputer](std::string_view entity) { return (*recomputer)(entity); };
  IngestOptions ingest{r.skip_bad_rows, {}};

  AnalysisInput input;
  input.events_name = r.events;
  input.exposures_name = r.exposures;
  input.source = {{"kind", "csv"}, {"events", r.events}, {"exposures", r.exposures}};
  const int64_t file_bytes = r.events == "-" ? 0 : input_size(r.events);
  const bool big = file_bytes == 0 || file_bytes >= k_two_thread_bytes;  // 0: unknown size
  ingest.threads = r.threads != 0 ? r.threads : big && std::thread::hardware_concurrency() >= 2 ? 2 : 1;
  input.threads = ingest.threads;
  // Not under an explicit memory limit, whose plan may partition the detector instead; under the
  // default one, only while it takes at most a quarter.
  std::future<FingerprintSet> presizing;
  if (ingest.threads >= 2 && file_bytes > 0 && !r.memory_limit) {
    presizing = presize_duplicates(*event_columns, subject.metrics, file_bytes, memory_limit);
  }
  auto exposures_in = open_input(r.exposures, m_session.in);
  if (!exposures_in) return std::move(exposures_in).error();
  CsvReader exposure_reader(*exposures_in->stream, r.exposures);
  IngestOptions exposure_ingest = ingest;
  exposure_ingest.exposure_bytes = input_size(r.exposures);
  exposure_ingest.progress = m_session.progress.for_file(r.exposures, exposure_ingest.exposure_bytes);
  auto exposures = read_exposures(exposure_reader, *exposure_columns, arms, recomputer ? &oracle : nullptr, exposure_ingest,
                                  input.exposures);
  if (!exposures) return std::move(exposures).error();

  EventAggregator aggregator(*exposures, subject.metrics, arms.variants.size(), subject.covariates);
  FingerprintSet presized = presizing.valid() ? presizing.get() : FingerprintSet();
  if (auto read = read_events(aggregator, *event_columns, ingest, std::move(presized), memory_limit,
                              static_cast<bool>(on_day), input);
      !read) {
    return std::move(read).error();
  }
  for (const MetricSpec& m : subject.metrics) {
    input.event_type_rows[m.measure.event_type] = aggregator.rows_of_event_type(m.measure.event_type);
    if (m.denominator) input.event_type_rows[m.denominator->event_type] = aggregator.rows_of_event_type(m.denominator->event_type);
  }
  input.entities = exposures->entities_per_variant;
  input.aggregates = aggregator.finish();
  if (auto estimated = aggregator.estimate_spilled_quantiles(input.aggregates, r.confidence); !estimated) {
    return std::move(estimated).error();
  }
  if (on_day) aggregator.replay_days([&](const DailyAggregates& d) { on_day(d.day, d.metrics, d.entities); });
  return input;
}

}  // namespace

std::unique_ptr<DataSource> csv_source(const AnalysisRequest& request, Session& session) {
  return std::make_unique<CsvSource>(request, session);
}

}  // namespace expt
