#include "commands/analyze.h"

#include <algorithm>
#include <filesystem>
#include <ostream>

#include <fmt/format.h>

#include "commands/analysis_render.h"
#include "commands/color.h"
#include "commands/input_stream.h"
#include "commands/progress_line.h"
#include "commands/render.h"
#include "core/analysis/experiment_analysis.h"
#include "core/assign/assignment.h"
#include "core/base/atomic_file.h"
#include "core/base/excerpt.h"
#include "core/ingest/column_mapping.h"
#include "core/ingest/csv_reader.h"
#include "core/ingest/event_aggregator.h"
#include "core/ingest/exposure_table.h"
#include "core/registry/registry_snapshot.h"
#include "core/registry/transition_plan.h"

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

Result<void> check_options(const AnalyzeOptions& options) {
  if (!(options.confidence > 0 && options.confidence < 1)) {
    return Error::invalid(fmt::format("--confidence must be in (0, 1), got {}", options.confidence));
  }
  if (!parse_correction(options.correction)) {
    return Error::invalid(fmt::format("--correction must be one of holm, bh, none; got '{}'", options.correction));
  }
  if (options.events == "-" && options.exposures == "-") {
    return Error::invalid("--events and --exposures cannot both read stdin");
  }
  return {};
}

}  // namespace

// "effect-test (6324 rows), other (20 rows)": what an input holds instead, most rows first.
std::string rows_list(std::vector<std::pair<std::string, int64_t>> names, int64_t untracked) {
  std::sort(names.begin(), names.end(),
            [](const auto& l, const auto& r) { return l.second != r.second ? l.second > r.second : l.first < r.first; });
  std::string out;
  for (const auto& [name, rows] : names) {
    out += fmt::format("{}{} ({} row{})", out.empty() ? "" : ", ", excerpt(name, 40), rows, rows == 1 ? "" : "s");
  }
  if (untracked > 0) out += fmt::format(", and {} rows of further names", untracked);
  return out;
}

// What makes the report empty rather than merely inconclusive: no exposure of the experiment, or
// a bound metric whose event type the events file never has. Each names what the files do hold.
std::vector<std::string> data_problems(const ExperimentRecord& experiment, const std::vector<MetricSpec>& metrics,
                                       const ExposureTable& exposures, const EventAggregator& aggregator,
                                       const AnalysisContext& context, const AnalyzeOptions& options) {
  std::vector<std::string> problems;
  int64_t exposed = 0;
  for (int64_t n : exposures.entities_per_variant) exposed += n;
  const ExposureCounts& x = context.exposures;
  if (exposed == 0) {
    std::string what =
        fmt::format("no entity is exposed to experiment '{}' in {}", experiment.spec.key, options.exposures);
    if (x.rows == 0) {
      what += ": the file has no rows";
    } else if (x.other_experiments == x.rows) {
      what += fmt::format(": its {} rows are for other experiments: {}", x.rows,
                          rows_list(x.other_experiment_names.by_count(), x.other_experiment_names.untracked()));
    } else {
      what += fmt::format(" ({} rows read)", x.rows);
    }
    problems.push_back(what);
  }
  std::vector<std::string> types;
  for (const MetricSpec& m : metrics) {
    types.push_back(m.measure.event_type);
    if (m.denominator) types.push_back(m.denominator->event_type);
  }
  const NameTally& others = context.events.other_event_type_names;
  std::vector<std::pair<std::string, int64_t>> present = others.by_count();
  for (const std::string& type : types) {
    const int64_t rows = aggregator.rows_of_event_type(type);
    bool listed = false;
    for (const auto& [name, n] : present) listed = listed || name == type;
    if (rows > 0 && !listed) present.emplace_back(type, rows);
  }
  for (const MetricSpec& m : metrics) {
    std::vector<std::string> own{m.measure.event_type};
    if (m.denominator && m.denominator->event_type != m.measure.event_type) own.push_back(m.denominator->event_type);
    for (const std::string& type : own) {
      if (aggregator.rows_of_event_type(type) > 0) continue;
      std::string what =
          fmt::format("metric '{}' has no events: {} has no rows of event type '{}'", m.key, options.events, type);
      what += present.empty() ? "; it has no rows at all" : "; its event types are " + rows_list(present, others.untracked());
      problems.push_back(what);
    }
  }
  return problems;
}

ExitCode run_analyze(const AnalyzeOptions& options, Io& io) {
  if (auto ok = check_options(options); !ok) return report(io, ok.error());
  auto event_columns = parse_column_mapping(options.events_columns, k_event_fields, "--events-columns");
  if (!event_columns) return report(io, event_columns.error());
  auto exposure_columns = parse_column_mapping(options.exposures_columns, k_exposure_fields, "--exposures-columns");
  if (!exposure_columns) return report(io, exposure_columns.error());

  auto registry = open_registry(options.registry, OpenMode::must_exist, io);
  if (!registry) return report(io, registry.error());
  auto state = (*registry)->read();
  if (!state) return report(io, state.error());
  const ExperimentRecord* experiment = state->find_experiment(options.experiment);
  if (experiment == nullptr) return report(io, unknown_experiment(*state, options.experiment));
  if (experiment->spec.variants.size() < 2) {
    return report(io, Error::invalid(fmt::format(
                          "experiment '{}' is a {} with {} variant{}; analysis compares treatments with a control",
                          options.experiment, to_string(experiment->spec.type), experiment->spec.variants.size(),
                          experiment->spec.variants.size() == 1 ? "" : "s")));
  }
  std::vector<MetricSpec> metrics;
  for (const MetricBinding& b : experiment->spec.metrics) {
    const MetricRecord* m = state->find_metric(b.metric);
    if (m == nullptr) return report(io, Error::not_found(fmt::format("metric '{}' is not in the registry", b.metric)));
    metrics.push_back(m->spec);
  }

  ExperimentArms arms{experiment->spec.key, {}};
  for (const VariantSpec& v : experiment->spec.variants) arms.variants.push_back(v.key);
  std::optional<Oracle> oracle_state = make_oracle(*state, *experiment);
  VariantOracle oracle;
  if (oracle_state) oracle = [&oracle_state](std::string_view entity) { return (*oracle_state)(entity); };
  IngestOptions ingest{options.skip_bad_rows, {}};
  ProgressLine progress(io.err, io.err_is_terminal && !options.quiet);

  AnalysisContext context;
  auto exposures_in = open_input(options.exposures, io.in);
  if (!exposures_in) return report(io, exposures_in.error());
  CsvReader exposure_reader(*exposures_in->stream, options.exposures);
  ingest.progress = progress.for_file(options.exposures, input_size(options.exposures));
  auto exposures = read_exposures(exposure_reader, *exposure_columns, arms, oracle_state ? &oracle : nullptr, ingest,
                                  context.exposures);
  if (!exposures) return report(io, exposures.error());

  EventAggregator aggregator(*exposures, metrics, arms.variants.size());
  const int64_t event_bytes = input_size(options.events);
  if (event_bytes > 0) aggregator.expect_input_bytes(event_bytes);
  auto events_in = open_input(options.events, io.in);
  if (!events_in) return report(io, events_in.error());
  CsvReader event_reader(*events_in->stream, options.events);
  ingest.progress = progress.for_file(options.events, event_bytes);
  if (auto ingested = aggregator.ingest(event_reader, *event_columns, ingest, context.events); !ingested) {
    return report(io, ingested.error());
  }

  progress.clear();
  context.data_problems = data_problems(*experiment, metrics, *exposures, aggregator, context, options);
  context.color = io.color_out;

  AnalysisOptions analysis{TestConfig{options.confidence}, *parse_correction(options.correction)};
  std::vector<MetricAggregate> aggregates = aggregator.finish();
  if (auto unusable = non_finite_metric(aggregates)) return report(io, *unusable);
  context.report = analyze_experiment(experiment->spec, aggregates, exposures->entities_per_variant, analysis);
  context.breaches = describe_breaches(context.report);
  const bool breached = context.report.guardrail_breached();

  // With --output, the report and an auto-stop happen both or neither: the report is written
  // and flushed to a temporary file first, the stop is committed, and only then does the file
  // take its name. A failure before the commit leaves neither; a crash between the two leaves a
  // stopped experiment, and running the analysis again writes its report.
  const bool will_stop = breached && options.auto_stop && experiment->status == ExperimentStatus::running;
  context.auto_stopped = will_stop;
  std::string text;
  switch (options.format) {
    case AnalyzeFormat::table: text = analysis_table(context); break;
    case AnalyzeFormat::json: text = analysis_json(context).dump(2) + "\n"; break;
    case AnalyzeFormat::csv: text = analysis_csv(context); break;
    case AnalyzeFormat::markdown: text = analysis_markdown(context); break;
  }
  std::unique_ptr<AtomicFileWriter> report_file;
  if (!options.output.empty()) {
    auto opened = AtomicFileWriter::open(options.output);
    if (!opened) return report(io, opened.error());
    report_file = std::move(*opened);
    if (auto written = report_file->write(text); !written) return report(io, written.error());
    if (auto flushed = report_file->flush(); !flushed) return report(io, flushed.error());
  }
  if (will_stop) {
    const AuditStamp stamp = io.stamp();
    std::string reason = "auto-stop: " + context.breaches.front();
    auto stopped = (*registry)->update([&](const RegistryState& current) -> Result<ChangeSet> {
      auto plan = plan_transition(current, {options.experiment, Transition::stop, reason}, stamp);
      if (!plan) return std::move(plan).error();
      return plan->changes;
    });
    if (!stopped) return report(io, stopped.error());
  }
  if (report_file) {
    if (auto committed = report_file->commit(); !committed) return report(io, committed.error());
  } else {
    io.out << text;
  }
  // Machine formats and files get the verdicts on stderr too; the table already shows them.
  if (options.format != AnalyzeFormat::table || !options.output.empty()) {
    if (context.report.srm.mismatch) {
      io.err << "sample ratio mismatch: p = " << fmt::format("{:.3g}", *context.report.srm.p_value)
             << " < 0.001; the assignment or the exposure logging is broken\n";
    }
    for (const std::string& b : context.breaches) io.err << b << '\n';
  }
  // Missing data is said on stderr whatever the format: a script must not miss it.
  for (const std::string& p : context.data_problems) {
    if (options.format != AnalyzeFormat::table || !options.output.empty()) {
      io.err << paint("no data:", Paint::red, io.color_err) << " " << p << '\n';
    }
  }
  const bool failed = context.report.srm.mismatch || breached || !context.data_problems.empty();
  return failed ? ExitCode::check_failed : ExitCode::ok;
}

}  // namespace expt
