#include "core/registry/lifecycle.h"

#include <fmt/format.h>

namespace expt {

std::string_view to_string(ExperimentStatus s) {
  switch (s) {
    case ExperimentStatus::draft: return "draft";
    case ExperimentStatus::running: return "running";
    case ExperimentStatus::stopped: return "stopped";
    case ExperimentStatus::archived: return "archived";
  }
  return "?";
}

std::string_view to_string(Transition t) {
  switch (t) {
    case Transition::start: return "start";
    case Transition::stop: return "stop";
    case Transition::archive: return "archive";
  }
  return "?";
}

std::optional<ExperimentStatus> parse_experiment_status(std::string_view s) {
  for (auto status : {ExperimentStatus::draft, ExperimentStatus::running, ExperimentStatus::stopped,
                      ExperimentStatus::archived}) {
    if (to_string(status) == s) return status;
  }
  return std::nullopt;
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
