#include "core/registry/lifecycle.h"

#include <fmt/format.h>

#include "core/base/name_table.h"

namespace expt {

namespace {
constexpr NameTable<ExperimentStatus, 4> k_experiment_status_names{{
    {ExperimentStatus::draft, "draft"},
    {ExperimentStatus::running, "running"},
    {ExperimentStatus::stopped, "stopped"},
    {ExperimentStatus::archived, "archived"},
}};
}  // namespace

std::string_view to_string(ExperimentStatus s) { return name_of(k_experiment_status_names, s); }

namespace {
constexpr NameTable<Transition, 3> k_transition_names{{
    {Transition::start, "start"},
    {Transition::stop, "stop"},
    {Transition::archive, "archive"},
}};
}  // namespace

std::string_view to_string(Transition t) { return name_of(k_transition_names, t); }

std::optional<ExperimentStatus> parse_experiment_status(std::string_view s) {
  return value_of(k_experiment_status_names, s);
}

ExperimentStatus target_status(Transition t) {
  switch (t) {
    case Transition::start: return ExperimentStatus::running;
    case Transition::stop: return ExperimentStatus::stopped;
    case Transition::archive: return ExperimentStatus::archived;
  }
  return ExperimentStatus::draft;
}

Result<ExperimentStatus> next_status(std::string_view key, ExperimentStatus from, Transition t) {
  ExperimentStatus to = target_status(t);
  if (from == to) return from;
  using S = ExperimentStatus;
  bool legal = (from == S::draft && to == S::running) || (from == S::running && to == S::stopped) ||
               (from == S::stopped && to == S::archived) || (from == S::draft && to == S::archived);
  if (legal) return to;

  std::string why;
  if (from == S::archived) {
    why = fmt::format("experiment '{}' is archived; archived experiments are read-only", key);
  } else if (t == Transition::start) {
    why = fmt::format(
        "experiment '{}' is stopped and cannot restart: its users were already exposed and analysed; "
        "create a new experiment instead",
        key);
  } else if (t == Transition::stop) {
    why = fmt::format("experiment '{}' is a draft and was never started; archive it instead (expt archive {})",
                      key, key);
  } else {
    why = fmt::format("experiment '{}' is running; stop it before archiving (expt stop {})", key, key);
  }
  return Error::conflict(std::move(why));
}

}  // namespace expt
