#include "commands/analyze.h"

#include <algorithm>
#include <filesystem>
#include <ostream>

#include <fmt/format.h>

#include "commands/analysis_inputs.h"
#include "commands/analysis_record.h"
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
#include "core/ingest/memory_budget.h"
#include "core/ingest/exposure_table.h"
#include "core/registry/registry_snapshot.h"
#include "core/registry/transition_plan.h"
#include "core/stats/sequential.h"

namespace expt {

namespace {

Result<void> check_options(const AnalyzeOptions& options) {
  if (!(options.confidence > 0 && options.confidence < 1)) {
    return Error::invalid(fmt::format("--confidence must be in (0, 1), got {}", options.confidence));
  }
  if (options.sequential_tuning && !(*options.sequential_tuning >= 100 && *options.sequential_tuning <= 1e12)) {
    return Error::invalid(fmt::format("--sequential-tuning must be from 100 to 1e12 entities, got {}", *options.sequential_tuning));
  }
  if (options.cuped_window_days && !(*options.cuped_window_days > 0 && *options.cuped_window_days <= 366)) {
    return Error::invalid(fmt::format("--cuped-window must be a number of days in (0, 366], got {}", *options.cuped_window_days));
  }
  if (!parse_correction(options.correction)) {
    return Error::invalid(fmt::format("--correction must be one of holm, bonferroni, bh, none; got '{}'", options.correction));
  }
  if (!parse_correction_scope(options.correction_scope)) {
    return Error::invalid(fmt::format("--correction-scope must be primary or all; got '{}'", options.correction_scope));
  }
  const int sources = (!options.events.empty() || !options.exposures.empty()) + !options.source.empty() + !options.aggregates.empty();
  if (sources != 1) {
    return Error::invalid(sources == 0 ? "say where the data is: --events and --exposures (CSV), --source (a warehouse) or --aggregates"
                                       : "use one data source: --events and --exposures, --source, or --aggregates");
  }
  if (!options.events.empty() != !options.exposures.empty()) {
    return Error::invalid(options.events.empty() ? "--exposures needs --events too" : "--events needs --exposures too");
  }
  if (options.events == "-" && options.exposures == "-") {
    return Error::invalid("--events and --exposures cannot both read stdin");
  }
  if (!options.day.empty() && options.aggregates.empty()) return Error::invalid("--day applies to --aggregates only");
  if (options.memory_limit && options.events.empty()) {
    return Error::invalid("--memory-limit applies to CSV events (--events); --source and --aggregates hold only per-variant sums",
                          {}, "memory-limit");
  }
  if (options.memory_limit) {
    if (auto limit = parse_memory_size(*options.memory_limit); !limit) return std::move(limit).error();
  }
  if (!options.by.empty() && options.by != "day") return Error::invalid(fmt::format("--by must be day; got '{}'", options.by));
  if (!options.by.empty() && !options.day.empty()) return Error::invalid("--by day analyses every day; --day picks one: use one of them");
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
// a bound metric whose event type the events never have. Each names what the data does hold.
std::vector<std::string> data_problems(const ExperimentRecord& experiment, const std::vector<MetricSpec>& metrics,
                                       const AnalysisInput& input, const ExposureCounts& x, const EventCounts& events) {
  std::vector<std::string> problems;
  int64_t exposed = 0;
  for (int64_t n : input.entities) exposed += n;
  if (exposed == 0) {
    std::string what =
        fmt::format("no entity is exposed to experiment '{}' in {}", experiment.spec.key, input.exposures_name);
    if (x.rows == 0) {
      what += input.from_tables ? ": the table has no rows" : ": the file has no rows";
    } else if (x.other_experiments == x.rows) {
      what += fmt::format(": its {} rows are for other experiments: {}", x.rows,
                          rows_list(x.other_experiment_names.by_count(), x.other_experiment_names.untracked()));
    } else {
      what += fmt::format(" ({} rows read)", x.rows);
    }
    problems.push_back(what);
  }
  auto rows_of = [&input](const std::string& type) {
    auto it = input.event_type_rows.find(type);
    return it == input.event_type_rows.end() ? int64_t{0} : it->second;
  };
  std::vector<std::string> types;
  for (const MetricSpec& m : metrics) {
    types.push_back(m.measure.event_type);
    if (m.denominator) types.push_back(m.denominator->event_type);
  }
  const NameTally& others = events.other_event_type_names;
  std::vector<std::pair<std::string, int64_t>> present = others.by_count();
  for (const std::string& type : types) {
    const int64_t rows = rows_of(type);
    bool listed = false;
    for (const auto& [name, n] : present) listed = listed || name == type;
    if (rows > 0 && !listed) present.emplace_back(type, rows);
  }
  for (const MetricSpec& m : metrics) {
    std::vector<std::string> own{m.measure.event_type};
    if (m.denominator && m.denominator->event_type != m.measure.event_type) own.push_back(m.denominator->event_type);
    for (const std::string& type : own) {
      if (rows_of(type) > 0) continue;
      std::string what =
          fmt::format("metric '{}' has no events: {} has no rows of event type '{}'", m.key, input.events_name, type);
      what += present.empty() ? "; it has no rows at all" : "; its event types are " + rows_list(present, others.untracked());
      problems.push_back(what);
    }
  }
  return problems;
}

AnalysisChoices analysis_choices(const AnalyzeOptions& options, const ExperimentSpec& experiment,
                                 const std::vector<MetricSpec>& metrics) {
  AnalysisChoices choices;
  const AnalysisSpec spec = experiment.analysis.value_or(AnalysisSpec{});
  if (options.sequential.value_or(spec.sequential)) {
    choices.sequential_tuning = options.sequential_tuning.value_or(spec.sequential_tuning.value_or(k_default_sequential_tuning));
  }
  const double window = options.cuped_window_days.value_or(spec.cuped_window_days.value_or(14));
  choices.covariates.window_ms = static_cast<int64_t>(std::llround(window * 86'400'000.0));
  bool any = false;
  for (size_t i = 0; i < metrics.size(); ++i) {
    const bool adjustable = metrics[i].type == MetricType::mean || metrics[i].type == MetricType::conversion;
    const bool bound = i < experiment.metrics.size() && experiment.metrics[i].cuped;
    const bool on = adjustable && options.cuped.value_or(bound);
    choices.covariates.metrics.push_back(on);
    any = any || on;
  }
  if (any) choices.cuped_window_days = window;
  return choices;
}

Result<PreparedAnalysis> prepare_analysis(const AnalyzeOptions& options, Io& io) {
  if (auto ok = check_options(options); !ok) return ok.error();
  PreparedAnalysis prepared;
  auto registry = open_registry(options.registry, OpenMode::must_exist, io);
  if (!registry) return std::move(registry).error();
  prepared.registry = std::move(*registry);
  auto state = prepared.registry->read(ReadScope{{options.experiment}, {}});  // its namespace's experiments only
  if (!state) return std::move(state).error();
  const ExperimentRecord* experiment = state->find_experiment(options.experiment);
  if (experiment == nullptr) return unknown_experiment(*state, options.experiment);
  if (experiment->spec.variants.size() < 2) {
    return Error::invalid(fmt::format("experiment '{}' is a {} with {} variant{}; analysis compares treatments with a control",
                                      options.experiment, to_string(experiment->spec.type), experiment->spec.variants.size(),
                                      experiment->spec.variants.size() == 1 ? "" : "s"));
  }
  auto bound = bound_metrics(*state, *experiment);
  if (!bound) return std::move(bound).error();
  const std::vector<MetricSpec>& metrics = *bound;

  AnalysisOptions analysis;
  analysis.test = TestConfig{options.confidence};
  analysis.correction = *parse_correction(options.correction);
  const AnalysisChoices choices = analysis_choices(options, experiment->spec, metrics);
  analysis.sequential_tuning = choices.sequential_tuning;
  analysis.cuped_window_days = choices.cuped_window_days;
  analysis.correction_scope = *parse_correction_scope(options.correction_scope);

  // --by day: each day's statistics are analysed as they come, and only the report kept.
  AnalysisContext& context = prepared.context;
  DaySink on_day;
  if (options.by == "day") {
    on_day = [&](const std::string& day, const std::vector<MetricAggregate>& aggregates, const std::vector<int64_t>& entities) {
      if (non_finite_metric(aggregates)) return;  // the whole analysis reports it below
      context.days.push_back(DayReport{day, analyze_experiment(experiment->spec, aggregates, entities, analysis)});
    };
  }
  const CovariateWindows& covariates = choices.covariates;
  auto input = !options.source.empty()     ? read_clickhouse_input(options, *state, *experiment, metrics, covariates, on_day)
               : !options.aggregates.empty() ? read_aggregates_input(options, *experiment, metrics, covariates, io, on_day)
                                             : read_csv_input(options, *state, *experiment, metrics, covariates, io, on_day);
  if (!input) return std::move(input).error();

  context.exposures = input->exposures;
  context.events = input->events;
  context.source = input->source;
  context.data_problems = data_problems(*experiment, metrics, *input, context.exposures, context.events);
  context.color = io.color_out;

  if (auto unusable = non_finite_metric(input->aggregates)) return *unusable;
  analysis.threads = input->threads;
  context.report = analyze_experiment(experiment->spec, input->aggregates, input->entities, analysis);
  context.breaches = describe_breaches(context.report);
  prepared.input = std::make_shared<const AnalysisInput>(std::move(*input));
  prepared.experiment = *experiment;
  prepared.latest_bundle = state->latest_bundle;
  return prepared;
}

ExitCode run_analyze(const AnalyzeOptions& options, Io& io) {
  auto prepared = prepare_analysis(options, io);
  if (!prepared) return report(io, prepared.error());
  AnalysisContext& context = prepared->context;
  const ExperimentRecord* experiment = &prepared->experiment;
  auto& registry = prepared->registry;
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
  // The stop and the record are one transaction: both or neither.
  if (will_stop || options.record) {
    const AuditStamp stamp = io.stamp();
    auto written = registry->update([&](const RegistryState& current) -> Result<ChangeSet> {
      ChangeSet changes;
      if (will_stop) {
        std::string reason = "auto-stop: " + context.breaches.front();
        auto plan = plan_transition(current, {options.experiment, Transition::stop, reason}, stamp);
        if (!plan) return std::move(plan).error();
        changes = plan->changes;
      }
      if (options.record) {
        AnalysisRecord record = make_analysis_record(*prepared, options, stamp);
        changes.audit.push_back(AuditEntry{0, stamp.at, stamp.actor, "record", "experiment", options.experiment,
                                           nlohmann::json{{"data_from", record.data_from},
                                                          {"data_to", record.data_to},
                                                          {"inputs", record.inputs}}});
        changes.analyses.push_back(std::move(record));
      }
      return changes;
    }, ReadScope{{options.experiment}, {}});
    if (!written) return report(io, written.error());
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
