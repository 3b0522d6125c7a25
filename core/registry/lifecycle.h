#pragma once
// The experiment lifecycle: draft -> running -> stopped -> archived, and draft -> archived.
// Slots stay claimed in every status but archived: a stopped experiment is still being
// analysed, so its entities must not be handed to another experiment yet.

#include <optional>
#include <string_view>

#include "core/base/error.h"

namespace expt {

enum class ExperimentStatus { draft, running, stopped, archived };
enum class Transition { start, stop, archive };

std::string_view to_string(ExperimentStatus);
std::string_view to_string(Transition);
std::optional<ExperimentStatus> parse_experiment_status(std::string_view);

// The status `transition` leads to from `from`. Asking for the status the experiment already
// has is not an error: the result is `from` and the caller reports "nothing changed". An
// illegal transition is a conflict Error that says why and what to do instead.
Result<ExperimentStatus> next_status(std::string_view experiment_key, ExperimentStatus from,
                                     Transition transition);

// The status a transition leads to, whatever the starting status.
ExperimentStatus target_status(Transition transition);

inline bool holds_slots(ExperimentStatus status) { return status != ExperimentStatus::archived; }

}  // namespace expt
