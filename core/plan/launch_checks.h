#pragma once
// The pre-launch checklist (`expt check`, also run by `expt start`): each check passes, warns or
// fails with its reason. Pure over a RegistryState; docs/governance.md lists the checks.

#include <string>
#include <string_view>
#include <vector>

#include "core/registry/state.h"

namespace expt {

enum class CheckOutcome { pass, warn, fail };
std::string_view to_string(CheckOutcome outcome);

struct LaunchCheck {
  std::string name;  // stable: slots, variants, primary_metric, guardrail_metric, plan, approvals, spec_unchanged
  CheckOutcome outcome = CheckOutcome::pass;
  std::string reason;
};

std::vector<LaunchCheck> launch_checks(const RegistryState& state, const ExperimentRecord& experiment);

bool any_failed(const std::vector<LaunchCheck>& checks);

}  // namespace expt
