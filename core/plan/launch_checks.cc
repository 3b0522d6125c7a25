#include "core/plan/launch_checks.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/assign/variant_set.h"
#include "core/base/name_table.h"
#include "core/plan/review_state.h"
#include "core/spec/plan_check.h"

namespace expt {

namespace {
constexpr NameTable<CheckOutcome, 3> k_check_outcome_names{{
    {CheckOutcome::pass, "pass"},
    {CheckOutcome::warn, "warn"},
    {CheckOutcome::fail, "fail"},
}};
}  // namespace

std::string_view to_string(CheckOutcome outcome) { return name_of(k_check_outcome_names, outcome); }

bool any_failed(const std::vector<LaunchCheck>& checks) {
  return std::any_of(checks.begin(), checks.end(), [](const LaunchCheck& c) { return c.outcome == CheckOutcome::fail; });
}

std::vector<LaunchCheck> launch_checks(const RegistryState& state, const ExperimentRecord& e) {
  std::vector<LaunchCheck> checks;
  auto add = [&](std::string name, CheckOutcome outcome, std::string reason) {
    checks.push_back(LaunchCheck{std::move(name), outcome, std::move(reason)});
  };
  const ExperimentSpec& spec = e.spec;
  const ReviewPolicy* policy = policy_for(state, spec.namespace_key);

  if (e.slots) {
    add("slots", CheckOutcome::pass, fmt::format("holds slots {} of namespace '{}'", to_string(*e.slots), spec.namespace_key));
  } else {
    add("slots", CheckOutcome::fail, fmt::format("holds no slots; allocate them first (expt allocate {})", spec.key));
  }

  if (auto problem = variant_set_problem(spec.type, allocations_of(spec.variants))) {
    add("variants", CheckOutcome::fail, problem->message);
  } else {
    add("variants", CheckOutcome::pass, fmt::format("{} {} valid for type {}", spec.variants.size(),
                                                   spec.variants.size() == 1 ? "variant" : "variants", to_string(spec.type)));
  }

  auto bound = [&](MetricRole role) {
    std::vector<std::string> keys;
    for (const MetricBinding& b : spec.metrics) {
      if (b.role == role) keys.push_back(b.metric);
    }
    return keys;
  };
  const bool compares = spec.type == ExperimentType::ab || spec.type == ExperimentType::multivariate;
  if (auto primary = bound(MetricRole::primary); !primary.empty()) {
    add("primary_metric", CheckOutcome::pass, fmt::format("primary: {}", fmt::join(primary, ", ")));
  } else {
    // Without a review policy this stays a warning, as lint's W201; a policy makes it binding.
    add("primary_metric", compares && policy != nullptr ? CheckOutcome::fail : CheckOutcome::warn,
        fmt::format("no primary metric is bound, so a {} has no success criterion", to_string(spec.type)));
  }
  if (auto guardrails = bound(MetricRole::guardrail); !guardrails.empty()) {
    add("guardrail_metric", CheckOutcome::pass, fmt::format("guardrails: {}", fmt::join(guardrails, ", ")));
  } else if (policy != nullptr && policy->guardrail_required) {
    add("guardrail_metric", CheckOutcome::fail,
        fmt::format("no guardrail metric is bound, and the review policy for '{}' requires one",
                    policy->scope.empty() ? "the registry" : policy->scope));
  } else {
    add("guardrail_metric", CheckOutcome::warn, "no guardrail metric is bound: nothing stops a harmful variant");
  }

  if (!spec.plan) {
    add("plan", compares ? CheckOutcome::warn : CheckOutcome::pass,
        compares ? "no plan: block, so its power was never checked (expt power)" : "no power plan needed");
  } else {
    const MetricRecord* metric = state.find_metric(spec.plan->metric);
    const NamespaceRecord* ns = state.find_namespace(spec.namespace_key);
    if (metric == nullptr || ns == nullptr || !e.slots) {
      add("plan", CheckOutcome::fail, e.slots ? "the plan's metric or namespace is missing" : "cannot size the plan without slots");
    } else {
      const uint32_t holdout = state.global_holdout ? state.global_holdout->spec.percent_bps : 0;
      auto check = check_plan(spec, metric->spec, e.slots->size(), ns->spec.total_slots, holdout);
      if (!check) {
        add("plan", CheckOutcome::fail, check.error().message);
      } else {
        add("plan", check->reaches_mde ? CheckOutcome::pass : CheckOutcome::fail, check->explanation);
      }
    }
  }

  const ReviewSummary review = review_summary(state, e);
  if (review.required == 0) {
    add("approvals", CheckOutcome::pass,
        review.status == ReviewStatus::approved ? fmt::format("approved by {} (not required)", fmt::join(review.approvers, ", "))
                                                : "no review policy requires approval");
  } else if (review.status == ReviewStatus::approved) {
    add("approvals", CheckOutcome::pass,
        fmt::format("{} of {} required approvals: {}", review.approvers.size(), review.required, fmt::join(review.approvers, ", ")));
  } else {
    std::string why;
    switch (review.status) {
      case ReviewStatus::not_requested: why = fmt::format("no review requested (expt review request {})", spec.key); break;
      case ReviewStatus::rejected: why = fmt::format("rejected by {}: {}", review.rejection->actor, review.rejection->note); break;
      case ReviewStatus::changed: why = "the spec changed after approval, which voids it; request review again"; break;
      default: why = "waiting for reviewers"; break;
    }
    add("approvals", CheckOutcome::fail,
        fmt::format("{} of {} required approvals; {}", review.approvers.size(), review.required, why));
  }

  if (!review.last_approval) {
    add("spec_unchanged", CheckOutcome::pass, "nothing approved yet");
  } else if (review.last_approval->spec_hash == review.current_hash) {
    add("spec_unchanged", CheckOutcome::pass, fmt::format("as approved by {} at {}", review.last_approval->actor, review.last_approval->at));
  } else {
    add("spec_unchanged", CheckOutcome::fail,
        fmt::format("changed since {} approved it at {}; the approval is void", review.last_approval->actor, review.last_approval->at));
  }
  return checks;
}

}  // namespace expt
