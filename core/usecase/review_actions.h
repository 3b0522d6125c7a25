#pragma once
// The review actions (docs/governance.md): a request, an approval or a rejection appended to
// the registry (one transaction, audited), and a review policy changed. Each returns what the
// registry holds afterwards, read back, not guessed.

#include <optional>
#include <string>
#include <vector>

#include "core/plan/review_state.h"
#include "core/registry/registry.h"

namespace expt {

struct ReviewOutcome {
  ExperimentRecord experiment;
  ReviewSummary summary;  // the review status after the step
};

// `step.team` empty: the environment's team (EXPT_TEAM) is the caller's to pass in. Errors:
// plan_review's, and the registry's.
Result<ReviewOutcome> take_review_step(Registry& registry, const ReviewStep& step, const AuditStamp& stamp);

// What to change in the policy of `scope` (a namespace key, or "" for the whole registry); what
// is unset keeps its value.
struct PolicyChange {
  std::string scope;
  std::optional<int> approvals;
  std::optional<std::vector<std::string>> teams;
  std::optional<bool> guardrail_required;
  std::optional<bool> actor_from_environment;
};

// "core, Platform ,": the teams of a comma-separated list, normalised (core/registry/identity.h),
// empty names and repeats dropped. Errors (invalid): a team that cannot be normalised.
Result<std::vector<std::string>> split_teams(const std::string& text);

// Errors: plan_review_policy's, and the registry's.
Result<void> change_review_policy(Registry& registry, const PolicyChange& change, const AuditStamp& stamp);

}  // namespace expt
