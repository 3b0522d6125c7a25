#include "core/plan/review_state.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/assign/bundle.h"
#include "core/base/name_table.h"
#include "core/base/printable.h"
#include "core/registry/identity.h"
#include "core/spec/json_form.h"

namespace expt {

std::string approval_hash(const RegistryState& state, const ExperimentSpec& spec) {
  // A metric's meaning, not its wording: a new description leaves the approval standing.
  nlohmann::json metrics = nlohmann::json::array();
  for (const MetricBinding& binding : spec.metrics) {
    const MetricRecord* m = state.find_metric(binding.metric);
    if (m == nullptr) continue;
    nlohmann::json definition = to_json(m->spec);
    definition.erase("description");
    definition.erase("name");
    metrics.push_back(std::move(definition));
  }
  return content_hash(nlohmann::json{{"experiment", to_json(spec)}, {"metrics", std::move(metrics)}});
}

const ReviewPolicy* policy_for(const RegistryState& state, const std::string& namespace_key) {
  const ReviewPolicy* global = nullptr;
  for (const ReviewPolicy& p : state.review_policies) {
    if (p.scope == namespace_key) return &p;
    if (p.scope.empty()) global = &p;
  }
  return global;
}

namespace {
constexpr NameTable<ReviewStatus, 6> k_review_status_names{{
    {ReviewStatus::not_required, "not_required"},
    {ReviewStatus::not_requested, "not_requested"},
    {ReviewStatus::pending, "pending"},
    {ReviewStatus::approved, "approved"},
    {ReviewStatus::rejected, "rejected"},
    {ReviewStatus::changed, "changed"},
}};
}  // namespace

std::string_view to_string(ReviewStatus status) { return name_of(k_review_status_names, status); }

namespace {

// Teams and actors compare by their normal form (core/registry/identity.h): names recorded before
// normalisation still match their owner.
bool team_allowed(const ReviewPolicy* policy, const std::string& team) {
  if (policy == nullptr || policy->teams.empty()) return true;
  const std::string key = identity_key(team);
  return std::any_of(policy->teams.begin(), policy->teams.end(), [&](const std::string& t) { return identity_key(t) == key; });
}

bool same_actor(const std::string& a, const std::string& b) { return identity_key(a) == identity_key(b); }

bool among(const std::vector<std::string>& actors, const std::string& actor) {
  return std::any_of(actors.begin(), actors.end(), [&](const std::string& a) { return same_actor(a, actor); });
}

}  // namespace

ReviewSummary review_summary(const RegistryState& state, const ExperimentRecord& experiment) {
  ReviewSummary s;
  const ReviewPolicy* policy = policy_for(state, experiment.spec.namespace_key);
  s.required = policy ? policy->approvals : 0;
  s.current_hash = approval_hash(state, experiment.spec);
  std::vector<const ReviewEntry*> entries;
  for (const ReviewEntry& r : state.reviews) {
    if (r.experiment == experiment.spec.key) entries.push_back(&r);
  }
  // Only the round since the latest request counts.
  for (const ReviewEntry* r : entries) {
    if (r->kind == "request") s.request = *r;
  }
  if (!s.request) {
    s.status = s.required > 0 ? ReviewStatus::not_requested : ReviewStatus::not_required;
    return s;
  }
  bool void_approvals = false;
  for (const ReviewEntry* r : entries) {
    if (r->id <= s.request->id) continue;
    if (r->kind == "reject" && r->spec_hash == s.current_hash) s.rejection = *r;
    if (r->kind != "approve") continue;
    s.last_approval = *r;
    if (same_actor(r->actor, s.request->actor) || !team_allowed(policy, r->team)) continue;
    if (r->spec_hash != s.current_hash) {
      void_approvals = true;
      continue;
    }
    if (!among(s.approvers, r->actor)) s.approvers.push_back(r->actor);
  }
  const int needed = std::max(s.required, 1);
  if (s.rejection) {
    s.status = ReviewStatus::rejected;
  } else if (static_cast<int>(s.approvers.size()) >= needed) {
    s.status = ReviewStatus::approved;
  } else if (void_approvals) {
    s.status = ReviewStatus::changed;
  } else {
    s.status = ReviewStatus::pending;
  }
  return s;
}

Result<ChangeSet> plan_review(const RegistryState& state, const ReviewStep& step, const AuditStamp& stamp) {
  const ExperimentRecord* e = state.find_experiment(step.experiment);
  if (e == nullptr) return unknown_experiment(state, step.experiment);
  if (e->status == ExperimentStatus::archived) {
    return Error::conflict(fmt::format("experiment '{}' is archived; there is nothing to review", e->spec.key));
  }
  const bool decision = step.kind == "approve" || step.kind == "reject";
  if (decision && !has_words(step.note)) {
    return Error::invalid(fmt::format("a review {} needs --note: say what you checked", step.kind == "approve" ? "approval" : "rejection"));
  }
  const ReviewSummary summary = review_summary(state, *e);
  const ReviewPolicy* policy = policy_for(state, e->spec.namespace_key);
  // Anyone can set an environment variable: where a policy asks for approvals, a review counts
  // for the OS account that ran it unless the policy says EXPT_ACTOR is trusted.
  if (stamp.asserted && policy != nullptr && policy->approvals > 0 && !policy->actor_from_environment) {
    return Error::conflict(fmt::format("EXPT_ACTOR names '{}', not the account running expt; the review policy for {} counts "
                                       "only the account's own reviews (unset EXPT_ACTOR, or let the policy trust it: "
                                       "`expt review policy{} --actor-from-env`)",
                                       stamp.actor, policy->scope.empty() ? "the registry" : "namespace '" + policy->scope + "'",
                                       policy->scope.empty() ? "" : " --namespace " + policy->scope));
  }
  if (decision) {
    if (!summary.request) {
      return Error::conflict(fmt::format("experiment '{}' has no review request; its owner asks with `expt review request {}`",
                                         e->spec.key, e->spec.key));
    }
    if (same_actor(stamp.actor, summary.request->actor)) {
      return Error::conflict(fmt::format("{} requested this review and cannot {} it; another reviewer must", stamp.actor,
                                         step.kind));
    }
    if (!team_allowed(policy, step.team)) {
      return Error::conflict(fmt::format("the policy for namespace '{}' lets only teams {} review; {} gave team '{}' (--team or "
                                         "EXPT_TEAM)",
                                         e->spec.namespace_key, fmt::join(policy->teams, ", "), stamp.actor, step.team));
    }
    if (summary.request->spec_hash != summary.current_hash) {
      return Error::conflict(fmt::format("experiment '{}' changed since review was requested at {}; request review again",
                                         e->spec.key, summary.request->at));
    }
    if (step.kind == "approve" && among(summary.approvers, stamp.actor)) {
      return Error::conflict(fmt::format("{} has already approved experiment '{}' as it is", stamp.actor, e->spec.key));
    }
  }
  ChangeSet changes;
  ReviewEntry entry{0, e->spec.key, step.kind, stamp.actor, step.team, stamp.at, summary.current_hash, step.note};
  changes.reviews.push_back(entry);
  nlohmann::json details{{"spec_hash", summary.current_hash}};
  if (!step.note.empty()) details["note"] = step.note;
  if (!step.team.empty()) details["team"] = step.team;
  changes.audit.push_back(AuditEntry{0, stamp.at, stamp.actor, "review." + step.kind, "experiment", e->spec.key, std::move(details)});
  return changes;
}

Result<ChangeSet> plan_review_policy(const RegistryState& state, const ReviewPolicy& policy, const AuditStamp& stamp) {
  if (!policy.scope.empty() && state.find_namespace(policy.scope) == nullptr) return unknown_namespace(state, policy.scope);
  if (policy.approvals < 0 || policy.approvals > 10) {
    return Error::invalid(fmt::format("--approvals must be from 0 to 10, got {}", policy.approvals));
  }
  ChangeSet changes;
  changes.review_policies.push_back(policy);
  changes.audit.push_back(AuditEntry{0, stamp.at, stamp.actor, "review.policy", policy.scope.empty() ? "registry" : "namespace",
                                     policy.scope,
                                     nlohmann::json{{"approvals", policy.approvals},
                                                    {"teams", policy.teams},
                                                    {"guardrail_required", policy.guardrail_required},
                                                    {"actor_from_environment", policy.actor_from_environment}}});
  return changes;
}

}  // namespace expt
