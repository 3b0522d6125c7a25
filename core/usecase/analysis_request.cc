#include "core/usecase/analysis_request.h"

#include <cmath>

#include <fmt/format.h>

#include "core/base/edit_distance.h"
#include "core/ingest/memory_budget.h"
#include "core/stats/corrections.h"
#include "core/stats/cuped.h"
#include "core/stats/sequential.h"

namespace expt {

Result<void> check_request(const AnalysisRequest& r) {
  if (!(r.confidence > 0 && r.confidence < 1)) {
    return Error::invalid(fmt::format("--confidence must be in (0, 1), got {}", r.confidence));
  }
  if (r.sequential_tuning && !(*r.sequential_tuning >= 100 && *r.sequential_tuning <= 1e12)) {
    return Error::invalid(fmt::format("--sequential-tuning must be from 100 to 1e12 entities, got {}", *r.sequential_tuning));
  }
  if (r.cuped_window_days && !valid_cuped_window(*r.cuped_window_days)) {
    return Error::invalid(fmt::format("--cuped-window must be {}, got {}", k_cuped_window_rule, *r.cuped_window_days));
  }
  if (!parse_correction(r.correction)) {
    constexpr std::string_view corrections[] = {"holm", "bonferroni", "bh", "none"};
    return Error::invalid(not_one_of("--correction", r.correction, corrections));
  }
  if (!parse_correction_scope(r.correction_scope)) {
    constexpr std::string_view scopes[] = {"primary", "all"};
    return Error::invalid(not_one_of("--correction-scope", r.correction_scope, scopes));
  }
  const int sources = (!r.events.empty() || !r.exposures.empty()) + !r.source.empty() + !r.aggregates.empty();
  if (sources != 1) {
    return Error::invalid(sources == 0 ? "say where the data is: --events and --exposures (CSV), --source (a warehouse) or --aggregates"
                                       : "use one data source: --events and --exposures, --source, or --aggregates");
  }
  if (!r.events.empty() != !r.exposures.empty()) {
    return Error::invalid(r.events.empty() ? "--exposures needs --events too" : "--events needs --exposures too");
  }
  if (r.events == "-" && r.exposures == "-") return Error::invalid("--events and --exposures cannot both read stdin");
  if (!r.day.empty() && r.aggregates.empty()) return Error::invalid("--day applies to --aggregates only");
  if (r.memory_limit && r.events.empty()) {
    return Error::invalid("--memory-limit applies to CSV events (--events); --source and --aggregates hold only per-variant sums",
                          {}, "memory-limit");
  }
  if (r.memory_limit) {
    if (auto limit = parse_memory_size(*r.memory_limit); !limit) return std::move(limit).error();
  }
  if (!r.by.empty() && r.by != "day") return Error::invalid(fmt::format("--by must be day; got '{}'", r.by));
  if (!r.by.empty() && !r.day.empty()) return Error::invalid("--by day analyses every day; --day picks one: use one of them");
  return {};
}

AnalysisChoices analysis_choices(const AnalysisRequest& request, const ExperimentSpec& experiment,
                                 const std::vector<MetricSpec>& metrics) {
  AnalysisChoices choices;
  const AnalysisSpec spec = experiment.analysis.value_or(AnalysisSpec{});
  if (request.sequential.value_or(spec.sequential)) {
    choices.sequential_tuning = request.sequential_tuning.value_or(spec.sequential_tuning.value_or(k_default_sequential_tuning));
  }
  const double window = request.cuped_window_days.value_or(spec.cuped_window_days.value_or(k_default_cuped_window_days));
  choices.covariates.window_ms = static_cast<int64_t>(std::llround(window * 86'400'000.0));
  bool any = false;
  for (size_t i = 0; i < metrics.size(); ++i) {
    const bool adjustable = metrics[i].type == MetricType::mean || metrics[i].type == MetricType::conversion;
    const bool bound = i < experiment.metrics.size() && experiment.metrics[i].cuped;
    const bool on = adjustable && request.cuped.value_or(bound);
    choices.covariates.metrics.push_back(on);
    any = any || on;
  }
  if (any) choices.cuped_window_days = window;
  return choices;
}

}  // namespace expt
