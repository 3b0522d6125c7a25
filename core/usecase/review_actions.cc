#include "core/usecase/review_actions.h"

#include <algorithm>
#include <string_view>

#include "core/registry/identity.h"

namespace expt {

Result<ReviewOutcome> take_review_step(Registry& registry, const ReviewStep& given, const AuditStamp& stamp) {
  ReviewStep step = given;
  if (!step.team.empty()) {
    auto team = normalize_identity(step.team, "the team (--team or EXPT_TEAM)");
    if (!team) return std::move(team).error();
    step.team = *team;
  }
  const ReadScope scope{{step.experiment}, {}};
  auto done = registry.update([&](const RegistryState& state) { return plan_review(state, step, stamp); }, scope);
  if (!done) return std::move(done).error();
  auto state = registry.read(scope);
  if (!state) return std::move(state).error();
  const ExperimentRecord* experiment = state->find_experiment(step.experiment);
  if (experiment == nullptr) return unknown_experiment(*state, step.experiment);
  return ReviewOutcome{*experiment, review_summary(*state, *experiment)};
}

Result<std::vector<std::string>> split_teams(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view part = std::string_view(text).substr(start, end - start);
    start = end + 1;
    if (part.find_first_not_of(" \t") == std::string_view::npos) continue;
    auto team = normalize_identity(part, "a team of --teams");
    if (!team) return std::move(team).error();
    if (std::find(out.begin(), out.end(), *team) == out.end()) out.push_back(std::move(*team));
  }
  return out;
}

Result<void> change_review_policy(Registry& registry, const PolicyChange& change, const AuditStamp& stamp) {
  return registry.update([&](const RegistryState& state) -> Result<ChangeSet> {
    ReviewPolicy p;
    if (const ReviewPolicy* existing = policy_for(state, change.scope); existing && existing->scope == change.scope) {
      p = *existing;
    }
    p.scope = change.scope;
    if (change.approvals) p.approvals = *change.approvals;
    if (change.teams) p.teams = *change.teams;
    if (change.guardrail_required) p.guardrail_required = *change.guardrail_required;
    if (change.actor_from_environment) p.actor_from_environment = *change.actor_from_environment;
    return plan_review_policy(state, p, stamp);
  });
}

}  // namespace expt
