#include "core/usecase/review_actions.h"

namespace expt {

Result<ReviewOutcome> take_review_step(Registry& registry, const ReviewStep& step, const AuditStamp& stamp) {
  const ReadScope scope{{step.experiment}, {}};
  auto done = registry.update([&](const RegistryState& state) { return plan_review(state, step, stamp); }, scope);
  if (!done) return std::move(done).error();
  auto state = registry.read(scope);
  if (!state) return std::move(state).error();
  const ExperimentRecord* experiment = state->find_experiment(step.experiment);
  if (experiment == nullptr) return unknown_experiment(*state, step.experiment);
  return ReviewOutcome{*experiment, review_summary(*state, *experiment)};
}

std::vector<std::string> split_teams(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string team = text.substr(start, end - start);
    while (!team.empty() && team.front() == ' ') team.erase(team.begin());
    while (!team.empty() && team.back() == ' ') team.pop_back();
    if (!team.empty()) out.push_back(team);
    start = end + 1;
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
    return plan_review_policy(state, p, stamp);
  });
}

}  // namespace expt
