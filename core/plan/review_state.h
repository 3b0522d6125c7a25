#pragma once
// Reviews before launch (docs/governance.md): an experiment's review status from its review
// entries, its namespace's (or the registry-wide) policy and the hash of its current spec, and
// the planner of each review step. Pure over a RegistryState.

#include <optional>
#include <string>
#include <vector>

#include "core/base/error.h"
#include "core/registry/state.h"

namespace expt {

// What an approval is bound to: content_hash (core/assign/bundle.h) of the experiment's canonical
// JSON (core/spec/json_form.h) and of the definitions of the metrics it binds (all but their
// name and description), so that a change to either voids the approval.
std::string approval_hash(const RegistryState& state, const ExperimentSpec& spec);

// The namespace's policy, else the registry-wide one, else nullptr (no review required).
const ReviewPolicy* policy_for(const RegistryState& state, const std::string& namespace_key);

enum class ReviewStatus {
  not_required,  // no policy asks for approvals, and none was requested
  not_requested,
  pending,   // requested, not enough valid approvals yet
  approved,  // enough approvals of the current spec since the latest request
  rejected,  // rejected since the latest request
  changed,   // approved, but the spec has changed since: the approvals are void
};
std::string_view to_string(ReviewStatus status);

struct ReviewSummary {
  ReviewStatus status = ReviewStatus::not_required;
  int required = 0;  // approvals the policy asks for
  std::vector<std::string> approvers;  // valid approvals since the latest request
  std::optional<ReviewEntry> request;  // the latest request
  std::optional<ReviewEntry> rejection;
  std::optional<ReviewEntry> last_approval;  // the latest approval, valid or not
  std::string current_hash;
};
ReviewSummary review_summary(const RegistryState& state, const ExperimentRecord& experiment);

struct ReviewStep {
  std::string experiment;
  std::string kind;  // "request", "approve", "reject"
  std::string note;
  std::string team;  // the reviewer's team (approve, reject)
};
// Errors: not_found for an unknown experiment; invalid for an approval or rejection without a
// note; conflict for a review of an archived experiment, a decision with no request pending, the
// requester approving their own request, a reviewer outside the policy's teams, an approval of a
// spec that changed since the request, a second approval by the same reviewer, a reviewer named
// only by EXPT_ACTOR (stamp.asserted) where the policy asks for approvals and does not trust it.
// Actors and teams compare by their normal form (core/registry/identity.h).
Result<ChangeSet> plan_review(const RegistryState& state, const ReviewStep& step, const AuditStamp& stamp);

// Sets the policy of `policy.scope` (a namespace key, or "" for the whole registry), audited.
Result<ChangeSet> plan_review_policy(const RegistryState& state, const ReviewPolicy& policy, const AuditStamp& stamp);

}  // namespace expt
