#include "commands/analysis_inputs.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <future>
#include <set>
#include <sstream>
#include <system_error>
#include <thread>

#include <fmt/format.h>

#include "commands/input_stream.h"
#include "commands/progress_line.h"
#include "core/assign/assignment.h"
#include "core/base/temporary_file.h"
#include "core/base/timestamp.h"
#include "core/ingest/column_mapping.h"
#include "core/ingest/csv_reader.h"
#include "core/ingest/daily_replay.h"
#include "core/ingest/memory_budget.h"
#include "core/registry/registry_snapshot.h"
#include "core/warehouse/aggregate_rows.h"
#include "core/warehouse/clickhouse_client.h"

namespace expt {

namespace {

constexpr std::string_view k_event_fields[] = {"event_id", "entity_id", "event_type", "timestamp", "value"};
constexpr std::string_view k_exposure_fields[] = {"entity_id", "experiment", "variant", "timestamp"};

// Recomputes variants by hashing, as assignment would have, even if the experiment has been
// stopped since.
struct Oracle {
  AssignmentSnapshot snapshot;
  size_t layer = 0;
  std::string experiment;
  std::vector<std::string> variants;

  int operator()(std::string_view entity) const {
    const bool held = in_global_holdout(snapshot, entity);
    LayerAssignment a = assign_in_layer(snapshot, layer, entity, held);
    if (experiment_key(snapshot, a) != experiment) return -1;
    std::string_view v = variant_key(snapshot, a);
    for (size_t i = 0; i < variants.size(); ++i) {
      if (variants[i] == v) return static_cast<int>(i);
    }
    return -1;
  }
};

std::optional<Oracle> make_oracle(const RegistryState& state, const ExperimentRecord& experiment) {
  if (!experiment.slots) return std::nullopt;
  Oracle oracle;
  oracle.snapshot = snapshot_from_registry(state, experiment.spec.key);
  int layer = oracle.snapshot.layer_index(experiment.spec.namespace_key);
  if (layer < 0) return std::nullopt;
  oracle.layer = static_cast<size_t>(layer);
  oracle.experiment = experiment.spec.key;
  for (const VariantSpec& v : experiment.spec.variants) oracle.variants.push_back(v.key);
  return oracle;
}

std::vector<std::string> variant_keys(const ExperimentRecord& experiment) {
  std::vector<std::string> keys;
  for (const VariantSpec& v : experiment.spec.variants) keys.push_back(v.key);
  return keys;
}

// The aggregates' rows, as analysis input.
AnalysisInput from_aggregates(ExperimentAggregates a, const std::vector<MetricSpec>& metrics) {
  AnalysisInput input;
  input.aggregates = std::move(a.metrics);
  input.entities = std::move(a.entities);
  input.exposures = std::move(a.exposures);
  input.events = std::move(a.events);
  for (const auto& [type, rows] : a.event_type_rows) input.event_type_rows[type] += rows;
  for (const MetricSpec& m : metrics) {
    input.event_type_rows.try_emplace(m.measure.event_type, 0);
    if (m.denominator) input.event_type_rows.try_emplace(m.denominator->event_type, 0);
  }
  return input;
}

// "a\tb" -> "a<TAB>b": ClickHouse's TSV escaping.
std::string tsv_unescape(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    const char c = text[++i];
    out += c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c == '0' ? '\0' : c == 'b' ? '\b' : c == 'f' ? '\f' : c;
  }
  return out;
}

// Exposure rows without a variant: expt hashes their entities, as the CSV path does, and the
// query carries the answer inline (ClickHouse 18.16 has no xxHash64 to do it there).
constexpr size_t k_max_recomputed_entities = 200'000;
Result<void> recompute_variants(ClickHouseClient& client, const RegistryState& state, const ExperimentRecord& experiment,
                                AggregateQuery& query) {
  auto sql = unassigned_entities_sql(query, k_max_recomputed_entities + 1);
  if (!sql) return std::move(sql).error();
  auto answer = client.query(*sql);
  if (!answer) return std::move(answer).error();
  if (answer->empty()) return {};
  std::optional<Oracle> oracle = make_oracle(state, experiment);
  if (!oracle) {
    return Error::invalid(fmt::format("exposure rows of experiment '{}' in table {} have no variant, and none can be recomputed: "
                                      "the experiment holds no slots",
                                      experiment.spec.key, query.exposures.name));
  }
  std::istringstream lines(*answer);
  for (std::string line; std::getline(lines, line);) {
    if (query.recomputed.size() == k_max_recomputed_entities) {
      return Error::invalid(fmt::format("more than {} entities of experiment '{}' in table {} have exposure rows without a "
                                        "variant; fill the variant column, or analyse the CSV export (--exposures)",
                                        k_max_recomputed_entities, experiment.spec.key, query.exposures.name));
    }
    std::string entity = tsv_unescape(line);
    const int v = (*oracle)(entity);
    query.recomputed.emplace_back(std::move(entity), v < 0 ? std::string() : experiment.spec.variants[static_cast<size_t>(v)].key);
  }
  query.recompute = true;
  return {};
}

// Standard input copied to an unnamed temporary file, for an analysis that must read the events
// more than once; /proc/self/fd/N reopens it with an offset of its own.
class SpooledInput {
 public:
  ~SpooledInput() {
    if (m_fd >= 0) ::close(m_fd);
  }
  Result<std::string> spool(std::istream& in) {
    const std::string directory = temporary_directory();
    auto fd = create_unlinked_file(directory, "the events from stdin (--memory-limit reads them more than once)");
    if (!fd) return std::move(fd).error();
    m_fd = *fd;
    std::vector<char> block(size_t{1} << 20);
    while (in) {
      in.read(block.data(), static_cast<std::streamsize>(block.size()));
      for (auto left = static_cast<size_t>(in.gcount()); left > 0;) {
        const ssize_t wrote = ::write(m_fd, block.data() + (static_cast<size_t>(in.gcount()) - left), left);
        if (wrote < 0 && errno == EINTR) continue;
        if (wrote < 0) {
          return Error::io(fmt::format("cannot copy the events from stdin to a temporary file in {} (--memory-limit reads "
                                       "them more than once): {}",
                                       directory, std::strerror(errno)));
        }
        left -= static_cast<size_t>(wrote);
      }
    }
    if (in.bad()) return Error::io("reading the events from stdin failed", "-");
    return "/proc/self/fd/" + std::to_string(m_fd);
  }

 private:
  int m_fd = -1;
};

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

}  // namespace

Result<std::vector<MetricSpec>> bound_metrics(const RegistryState& state, const ExperimentRecord& experiment) {
  std::vector<MetricSpec> metrics;
  for (const MetricBinding& b : experiment.spec.metrics) {
    const MetricRecord* m = state.find_metric(b.metric);
    if (m == nullptr) return Error::not_found(fmt::format("metric '{}' is not in the registry", b.metric));
    metrics.push_back(m->spec);
  }
  return metrics;
}

Result<AnalysisInput> read_csv_input(const AnalyzeOptions& options, const RegistryState& state,
                                     const ExperimentRecord& experiment, const std::vector<MetricSpec>& metrics,
                                     const CovariateWindows& covariates, Io& io, const DaySink& on_day) {
  auto event_columns = parse_column_mapping(options.events_columns, k_event_fields, "--events-columns");
  if (!event_columns) return std::move(event_columns).error();
  auto exposure_columns = parse_column_mapping(options.exposures_columns, k_exposure_fields, "--exposures-columns");
  if (!exposure_columns) return std::move(exposure_columns).error();
  int64_t memory_limit = default_memory_limit();
  if (options.memory_limit) {
    auto limit = parse_memory_size(*options.memory_limit);
    if (!limit) return std::move(limit).error();
    memory_limit = *limit;
  }

  ExperimentArms arms{experiment.spec.key, variant_keys(experiment)};
  std::optional<Oracle> oracle_state = make_oracle(state, experiment);
  VariantOracle oracle;
  if (oracle_state) oracle = [&oracle_state](std::string_view entity) { return (*oracle_state)(entity); };
  IngestOptions ingest{options.skip_bad_rows, {}};
  ProgressLine progress(io.err, io.err_is_terminal && !options.quiet);

  AnalysisInput input;
  input.events_name = options.events;
  input.exposures_name = options.exposures;
  input.source = {{"kind", "csv"}, {"events", options.events}, {"exposures", options.exposures}};
  // Two threads from 32 MiB of events; a pipe counts as big. Measured (docs/performance.md): at
  // 5 and 16 MB one thread and two take the same time, and two cost 8 MB more for their batches;
  // at 53 MB two are faster (0.19 s against 0.25 s).
  const int64_t file_bytes = options.events == "-" ? 0 : input_size(options.events);
  constexpr int64_t k_two_thread_bytes = int64_t{32} << 20;
  const bool big = file_bytes == 0 || file_bytes >= k_two_thread_bytes;  // 0: unknown size
  ingest.threads = options.threads != 0 ? options.threads : big && std::thread::hardware_concurrency() >= 2 ? 2 : 1;
  input.threads = ingest.threads;
  // With two threads, the second core sizes the duplicate detector and has its pages zeroed
  // while this one reads the exposures. Not under an explicit memory limit, whose plan may
  // partition it instead; under the default one, only while it takes at most a quarter.
  std::future<FingerprintSet> presizing;
  if (ingest.threads >= 2 && file_bytes > 0 && !options.memory_limit) {
    try {
      presizing = std::async(std::launch::async, [&options, &event_columns, &metrics, file_bytes, memory_limit] {
        try {
          std::ifstream head(options.events, std::ios::binary);
          CsvReader reader(head, options.events);
          return EventAggregator::presized_duplicate_detector(reader, *event_columns, metrics, file_bytes,
                                                              static_cast<size_t>(memory_limit / 4));
        } catch (const std::bad_alloc&) {
          return FingerprintSet();  // ingest sizes it later, and reports running out of memory
        }
      });
    } catch (const std::system_error&) {
      // No thread to be had: ingest sizes the detector itself, as on one core.
    }
  }
  auto exposures_in = open_input(options.exposures, io.in);
  if (!exposures_in) return std::move(exposures_in).error();
  CsvReader exposure_reader(*exposures_in->stream, options.exposures);
  IngestOptions exposure_ingest = ingest;
  exposure_ingest.exposure_bytes = input_size(options.exposures);
  exposure_ingest.progress = progress.for_file(options.exposures, exposure_ingest.exposure_bytes);
  auto exposures = read_exposures(exposure_reader, *exposure_columns, arms, oracle_state ? &oracle : nullptr,
                                  exposure_ingest, input.exposures);
  if (!exposures) return std::move(exposures).error();

  EventAggregator aggregator(*exposures, metrics, arms.variants.size(), covariates);
  // Events from stdin are read once, unless a memory limit is asked for: then they are spooled,
  // so they can be read again.
  std::string events_path = options.events;
  SpooledInput spooled;
  if (options.events == "-" && options.memory_limit) {
    auto path = spooled.spool(io.in);
    if (!path) return std::move(path).error();
    events_path = *path;
  }
  const int64_t event_bytes = input_size(events_path);
  if (event_bytes > 0) aggregator.expect_input_bytes(event_bytes);
  if (on_day) aggregator.keep_counted_events();
  FingerprintSet presized = presizing.valid() ? presizing.get() : FingerprintSet();
  auto plan = plan_reading(aggregator, events_path, options.events, *event_columns, event_bytes, memory_limit,
                           static_cast<bool>(on_day), static_cast<int64_t>(presized.memory_bytes()), io.in);
  if (!plan) return std::move(plan).error();
  const int partitions = plan->partitions;
  // Serves a single pass; with partitions, the first marking pass frees it (each starts empty).
  aggregator.adopt_duplicate_detector(std::move(presized));
  if (plan->spill_quantiles) {
    if (auto spilling = aggregator.spill_quantiles(temporary_directory()); !spilling) return std::move(spilling).error();
  }
  for (int partition = 0; partitions > 1 && partition < partitions; ++partition) {
    auto pass_in = open_input(events_path, io.in);
    if (!pass_in) return std::move(pass_in).error();
    CsvReader pass_reader(*pass_in->stream, options.events);
    ingest.progress = progress.for_file(fmt::format("{} (duplicates, pass {} of {})", options.events, partition + 1, partitions + 1),
                                        event_bytes);
    if (auto marked = aggregator.mark_duplicates(pass_reader, *event_columns, ingest, partition, partitions); !marked) {
      return std::move(marked).error();
    }
  }
  input.source["passes"] = partitions > 1 ? partitions + 1 : 1;
  input.source["spilled_percentiles"] = plan->spill_quantiles;
  auto events_in = open_input(events_path, io.in);
  if (!events_in) return std::move(events_in).error();
  CsvReader event_reader(*events_in->stream, options.events);
  ingest.progress = progress.for_file(partitions > 1 ? fmt::format("{} (pass {} of {})", options.events, partitions + 1, partitions + 1)
                                                      : options.events,
                                      event_bytes);
  if (auto ingested = aggregator.ingest(event_reader, *event_columns, ingest, input.events); !ingested) {
    return std::move(ingested).error();
  }
  progress.clear();
  for (const MetricSpec& m : metrics) {
    input.event_type_rows[m.measure.event_type] = aggregator.rows_of_event_type(m.measure.event_type);
    if (m.denominator) input.event_type_rows[m.denominator->event_type] = aggregator.rows_of_event_type(m.denominator->event_type);
  }
  input.entities = exposures->entities_per_variant;
  input.aggregates = aggregator.finish();
  if (auto estimated = aggregator.estimate_spilled_quantiles(input.aggregates, options.confidence); !estimated) {
    return std::move(estimated).error();
  }
  if (on_day) aggregator.replay_days([&](const DailyAggregates& d) { on_day(d.day, d.metrics, d.entities); });
  return input;
}

Result<AggregateQuery> warehouse_query(const WarehouseQueryOptions& options, const ExperimentRecord& experiment,
                                       const std::vector<MetricSpec>& metrics) {
  AggregateQuery q;
  q.experiment = experiment.spec.key;
  q.variants = variant_keys(experiment);
  q.metrics = metrics;
  q.confidence = options.confidence;
  q.events.name = options.events_table;
  q.exposures.name = options.exposures_table;
  auto event_columns = parse_column_mapping(options.events_columns, k_event_fields, "--events-columns");
  if (!event_columns) return std::move(event_columns).error();
  auto exposure_columns = parse_column_mapping(options.exposures_columns, k_exposure_fields, "--exposures-columns");
  if (!exposure_columns) return std::move(exposure_columns).error();
  q.events.columns = *event_columns;
  q.exposures.columns = *exposure_columns;
  if (!options.day.empty()) {
    auto start = parse_timestamp_ms(options.day);
    if (!start || options.day.size() != 10) {
      return Error::invalid(fmt::format("--as-of must be a date, YYYY-MM-DD; got '{}'", options.day), {}, "as-of");
    }
    q.day = options.day;
    q.until_ms = *start + 86'400'000;
  }
  return q;
}

Result<AnalysisInput> read_clickhouse_input(const AnalyzeOptions& options, const RegistryState& state,
                                            const ExperimentRecord& experiment,
                                            const std::vector<MetricSpec>& metrics, const CovariateWindows& covariates,
                                            const DaySink& on_day) {
  const char* env_password = std::getenv("EXPT_CLICKHOUSE_PASSWORD");
  auto source = parse_clickhouse_url(options.source, env_password ? env_password : "");
  if (!source) return std::move(source).error();
  if (options.connect_timeout <= 0 || options.query_timeout <= 0) {
    return Error::invalid("--connect-timeout and --query-timeout must be at least 1 second");
  }
  source->connect_timeout = std::chrono::seconds(options.connect_timeout);
  source->query_timeout = std::chrono::seconds(options.query_timeout);
  ClickHouseClient client(*source);

  WarehouseQueryOptions wq{options.events_table, options.exposures_table, options.events_columns, options.exposures_columns,
                           options.confidence, {}};
  auto query = warehouse_query(wq, experiment, metrics);
  if (!query) return std::move(query).error();
  query->covariates = covariates;
  auto event_types = client.columns(options.events_table);
  if (!event_types) return std::move(event_types).error();
  auto exposure_types = client.columns(options.exposures_table);
  if (!exposure_types) return std::move(exposure_types).error();
  query->events.types = std::move(*event_types);
  query->exposures.types = std::move(*exposure_types);
  if (auto recomputed = recompute_variants(client, state, experiment, *query); !recomputed) {
    return std::move(recomputed).error();
  }
  auto sql = aggregate_query_sql(*query, "CSVWithNames");
  if (!sql) return std::move(sql).error();
  auto answer = client.query(*sql);
  if (!answer) return std::move(answer).error();

  const std::string name = source->describe();
  std::istringstream in(*answer);
  auto rows = read_aggregate_rows_csv(in, name);
  if (!rows) return std::move(rows).error();
  auto assembled = assemble_aggregates(*rows, experiment.spec.key, variant_keys(experiment), metrics, options.confidence, {},
                                       name + " (table " + options.exposures_table + ")", covariates);
  if (!assembled) return std::move(assembled).error();
  AnalysisInput input = from_aggregates(std::move(*assembled), metrics);
  if (on_day && input.events.first_ms && input.events.last_ms) {
    // One query per day of the counted events' range, each limited to the data before the day's
    // end: exact, and as costly as that many analyses (the daily aggregates table is the cheap way).
    constexpr int64_t k_day = 86'400'000;
    const int64_t first = *input.events.first_ms / k_day, last = *input.events.last_ms / k_day;
    if (last - first >= 366) {
      return Error::invalid(fmt::format("--by day with --source would run {} queries, one per day; analyse the daily "
                                        "aggregates table instead (--aggregates, docs/warehouse.md)",
                                        last - first + 1));
    }
    for (int64_t day = first; day <= last; ++day) {
      AggregateQuery daily = *query;
      daily.day = format_utc(day * k_day).substr(0, 10);
      daily.until_ms = (day + 1) * k_day;
      auto daily_sql = aggregate_query_sql(daily, "CSVWithNames");
      if (!daily_sql) return std::move(daily_sql).error();
      auto daily_answer = client.query(*daily_sql);
      if (!daily_answer) return std::move(daily_answer).error();
      std::istringstream daily_in(*daily_answer);
      auto daily_rows = read_aggregate_rows_csv(daily_in, name);
      if (!daily_rows) return std::move(daily_rows).error();
      auto day_aggregates = assemble_aggregates(*daily_rows, experiment.spec.key, variant_keys(experiment), metrics,
                                                options.confidence, daily.day, name, covariates);
      if (!day_aggregates) return std::move(day_aggregates).error();
      on_day(daily.day, day_aggregates->metrics, day_aggregates->entities);
    }
  }
  input.events_name = "table " + options.events_table;
  input.exposures_name = "table " + options.exposures_table;
  input.from_tables = true;
  input.source = {{"kind", "clickhouse"},
                  {"url", name},
                  {"events_table", options.events_table},
                  {"exposures_table", options.exposures_table},
                  {"result_bytes", client.bytes_received()}};
  return input;
}

Result<AnalysisInput> read_aggregates_input(const AnalyzeOptions& options, const ExperimentRecord& experiment,
                                            const std::vector<MetricSpec>& metrics, const CovariateWindows& covariates,
                                            Io& io, const DaySink& on_day) {
  auto in = open_input(options.aggregates, io.in);
  if (!in) return std::move(in).error();
  std::string text((std::istreambuf_iterator<char>(*in->stream)), std::istreambuf_iterator<char>());
  size_t first = text.find_first_not_of(" \t\r\n");
  Result<std::vector<AggregateRow>> rows = std::vector<AggregateRow>{};
  if (first != std::string::npos && (text[first] == '[' || text[first] == '{')) {
    rows = read_aggregate_rows_json(text, options.aggregates);
  } else {
    std::istringstream stream(text);
    rows = read_aggregate_rows_csv(stream, options.aggregates);
  }
  if (!rows) return std::move(rows).error();
  auto assembled = assemble_aggregates(*rows, experiment.spec.key, variant_keys(experiment), metrics, options.confidence,
                                       options.day, options.aggregates, covariates);
  if (!assembled) return std::move(assembled).error();
  if (on_day) {
    std::set<std::string> days;  // each day's rows are that day's cumulative statistics
    for (const AggregateRow& r : *rows) {
      if (!r.day.empty() && (r.experiment.empty() || r.experiment == experiment.spec.key)) days.insert(r.day);
    }
    if (days.empty()) {
      return Error::invalid("--by day needs aggregates with a day column, one day per row (the daily aggregates table of "
                            "docs/warehouse.md)",
                            SourceLocation{options.aggregates}, "day");
    }
    for (const std::string& day : days) {
      auto d = assemble_aggregates(*rows, experiment.spec.key, variant_keys(experiment), metrics, options.confidence, day,
                                   options.aggregates, covariates);
      if (!d) return std::move(d).error();
      on_day(day, d->metrics, d->entities);
    }
  }
  const std::string day = assembled->day;
  AnalysisInput input = from_aggregates(std::move(*assembled), metrics);
  input.events_name = options.aggregates;
  input.exposures_name = options.aggregates;
  input.source = {{"kind", "aggregates"}, {"file", options.aggregates}};
  if (!day.empty()) input.source["day"] = day;
  return input;
}

}  // namespace expt
