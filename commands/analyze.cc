#include "commands/analyze.h"

#include <filesystem>
#include <ostream>

#include <fmt/format.h>

#include "commands/analysis_render.h"
#include "commands/input_stream.h"
#include "commands/render.h"
#include "core/analysis/experiment_analysis.h"
#include "core/assign/assignment.h"
#include "core/base/atomic_file.h"
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
  const IngestOptions ingest{options.skip_bad_rows};

  AnalysisContext context;
  auto exposures_in = open_input(options.exposures, io.in);
  if (!exposures_in) return report(io, exposures_in.error());
  CsvReader exposure_reader(*exposures_in->stream, options.exposures);
  auto exposures = read_exposures(exposure_reader, *exposure_columns, arms, oracle_state ? &oracle : nullptr, ingest,
                                  context.exposures);
  if (!exposures) return report(io, exposures.error());

  EventAggregator aggregator(*exposures, metrics, arms.variants.size());
  std::error_code size_error;
  if (options.events != "-") {
    const auto bytes = std::filesystem::file_size(options.events, size_error);
    if (!size_error) aggregator.expect_input_bytes(static_cast<int64_t>(bytes));
  }
  auto events_in = open_input(options.events, io.in);
  if (!events_in) return report(io, events_in.error());
  CsvReader event_reader(*events_in->stream, options.events);
  if (auto ingested = aggregator.ingest(event_reader, *event_columns, ingest, context.events); !ingested) {
    return report(io, ingested.error());
  }

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
  return context.report.srm.mismatch || breached ? ExitCode::check_failed : ExitCode::ok;
}

}  // namespace expt
