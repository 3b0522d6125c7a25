#include "core/usecase/prepared_analysis.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/analysis/finding_text.h"
#include "core/base/excerpt.h"
#include "core/stats/corrections.h"

namespace expt {

namespace {

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

// No entity exposed: says what the exposures hold instead.
std::optional<std::string> exposure_problem(const ExperimentRecord& experiment, const AnalysisInput& input) {
  int64_t exposed = 0;
  for (int64_t n : input.entities) exposed += n;
  if (exposed > 0) return std::nullopt;
  const ExposureCounts& x = input.exposures;
  std::string what = fmt::format("no entity is exposed to experiment '{}' in {}", experiment.spec.key, input.exposures_name);
  if (x.rows == 0) {
    what += input.from_tables ? ": the table has no rows" : ": the file has no rows";
  } else if (x.other_experiments == x.rows) {
    what += fmt::format(": its {} rows are for other experiments: {}", x.rows,
                        rows_list(x.other_experiment_names.by_count(), x.other_experiment_names.untracked()));
  } else {
    what += fmt::format(" ({} rows read)", x.rows);
  }
  return what;
}

// What makes the report empty rather than merely inconclusive: no exposure of the experiment, or
// a bound metric whose event type the events never have. Each names what the data does hold.
std::vector<std::string> data_problems(const ExperimentRecord& experiment, const std::vector<MetricSpec>& metrics,
                                       const AnalysisInput& input) {
  std::vector<std::string> problems;
  if (auto problem = exposure_problem(experiment, input)) problems.push_back(*problem);
  // Rows of an event type; -1 when the input does not count that type (an aggregates file
  // without event_type rows), which is no evidence of missing events.
  auto rows_of = [&input](const std::string& type) {
    auto it = input.event_type_rows.find(type);
    return it == input.event_type_rows.end() ? int64_t{-1} : it->second;
  };
  std::vector<std::string> types;
  for (const MetricSpec& m : metrics) {
    types.push_back(m.measure.event_type);
    if (m.denominator) types.push_back(m.denominator->event_type);
  }
  const NameTally& others = input.events.other_event_type_names;
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
      if (rows_of(type) != 0) continue;
      std::string what =
          fmt::format("metric '{}' has no events: {} has no rows of event type '{}'", m.key, input.events_name, type);
      what += present.empty() ? "; it has no rows at all" : "; its event types are " + rows_list(present, others.untracked());
      problems.push_back(what);
    }
  }
  return problems;
}

AnalysisOptions analysis_options(const AnalysisRequest& request, const AnalysisChoices& choices) {
  AnalysisOptions analysis;
  analysis.test = TestConfig{request.confidence};
  analysis.correction = *parse_correction(request.correction);
  analysis.sequential_tuning = choices.sequential_tuning;
  analysis.cuped_window_days = choices.cuped_window_days;
  analysis.correction_scope = *parse_correction_scope(request.correction_scope);
  return analysis;
}

// What the request analyses: the experiment (with its namespace's state), its bound metrics,
// and the statistics chosen for them.
struct Subject {
  RegistryState state;
  const ExperimentRecord* experiment = nullptr;
  std::vector<MetricSpec> metrics;
  AnalysisChoices choices;
};

Result<Subject> read_subject(const AnalysisRequest& request, Registry& registry) {
  if (auto ok = check_request(request); !ok) return ok.error();
  auto state = registry.read(ReadScope{{request.experiment}, {}});  // its namespace's experiments only
  if (!state) return std::move(state).error();
  Subject subject{std::move(*state), nullptr, {}, {}};
  const ExperimentRecord* experiment = subject.state.find_experiment(request.experiment);
  if (experiment == nullptr) return unknown_experiment(subject.state, request.experiment);
  if (experiment->spec.variants.size() < 2) {
    return Error::invalid(fmt::format("experiment '{}' is a {} with {} variant{}; analysis compares treatments with a control",
                                      request.experiment, to_string(experiment->spec.type), experiment->spec.variants.size(),
                                      experiment->spec.variants.size() == 1 ? "" : "s"));
  }
  auto bound = bound_metrics(subject.state, *experiment);
  if (!bound) return std::move(bound).error();
  subject.experiment = experiment;
  subject.metrics = std::move(*bound);
  subject.choices = analysis_choices(request, experiment->spec, subject.metrics);
  return subject;
}

}  // namespace

Result<std::string> analysis_query_text(const AnalysisRequest& request, Registry& registry, Session& session) {
  if (request.source.empty()) return Error::invalid("--show-sql prints the query sent to a warehouse; it needs --source", {}, "show-sql");
  auto subject = read_subject(request, registry);
  if (!subject) return std::move(subject).error();
  return clickhouse_query_text(request, session,
                               AnalysisSubject{subject->state, *subject->experiment, subject->metrics, subject->choices.covariates});
}

Result<PreparedAnalysis> prepare_analysis(const AnalysisRequest& request, Registry& registry, Session& session) {
  auto subject = read_subject(request, registry);
  if (!subject) return std::move(subject).error();
  const ExperimentRecord* experiment = subject->experiment;
  const std::vector<MetricSpec>& metrics = subject->metrics;
  const AnalysisChoices& choices = subject->choices;
  AnalysisOptions analysis = analysis_options(request, choices);

  PreparedAnalysis prepared;
  AnalysisResult& result = prepared.result;
  // --by day: each day's statistics are analysed as they come, and only the report kept.
  DaySink on_day;
  if (request.by == "day") {
    on_day = [&](const std::string& day, const std::vector<MetricAggregate>& aggregates, const std::vector<int64_t>& entities) {
      if (non_finite_metric(aggregates)) return;  // the whole analysis reports it below
      result.days.push_back(DayReport{day, analyze_experiment(experiment->spec, aggregates, entities, analysis)});
    };
  }
  std::unique_ptr<DataSource> source = choose_data_source(request, session);
  auto input = source->read(AnalysisSubject{subject->state, *experiment, metrics, choices.covariates}, on_day);
  if (!input) return std::move(input).error();

  result.exposures = input->exposures;
  result.events = input->events;
  result.source = input->source;
  result.data_problems = data_problems(*experiment, metrics, *input);
  if (auto unusable = non_finite_metric(input->aggregates)) return *unusable;
  analysis.threads = input->threads;
  result.report = analyze_experiment(experiment->spec, input->aggregates, input->entities, analysis);
  result.breaches = describe_breaches(result.report);
  prepared.input = std::make_shared<const AnalysisInput>(std::move(*input));
  prepared.files = source->files();
  prepared.experiment = *experiment;
  prepared.latest_bundle = subject->state.latest_bundle;
  return prepared;
}

}  // namespace expt
