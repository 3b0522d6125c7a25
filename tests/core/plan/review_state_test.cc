#include <catch2/catch.hpp>

#include "core/plan/launch_checks.h"
#include "core/plan/review_state.h"
#include "tests/support/spec_builders.h"

namespace expt {
namespace {

// Applies a planned review step to the state, as the registry would.
void apply(RegistryState& state, const Result<ChangeSet>& changes) {
  REQUIRE(changes);
  for (ReviewEntry r : changes->reviews) {
    r.id = static_cast<int64_t>(state.reviews.size()) + 1;
    state.reviews.push_back(r);
  }
  for (const ReviewPolicy& p : changes->review_policies) state.review_policies.push_back(p);
}

RegistryState state_with_experiment() {
  RegistryState state;
  state.namespaces.push_back(NamespaceRecord{testing::make_namespace("checkout"), "t", "t"});
  ExperimentRecord e;
  e.spec = testing::make_experiment("exp", "checkout");
  e.slots = SlotRange{0, 99};
  state.experiments.push_back(e);
  return state;
}

TEST_CASE("an approval counts for the spec it approved, from another reviewer of an allowed team", "[registry][review]") {
  RegistryState state = state_with_experiment();
  apply(state, plan_review_policy(state, ReviewPolicy{"checkout", 1, {"stats"}, false}, AuditStamp{"t1", "admin"}));
  const ExperimentRecord& e = state.experiments[0];
  CHECK(review_summary(state, e).status == ReviewStatus::not_requested);

  apply(state, plan_review(state, {"exp", "request", "", ""}, AuditStamp{"t2", "olga"}));
  CHECK(review_summary(state, e).status == ReviewStatus::pending);
  CHECK_FALSE(plan_review(state, {"exp", "approve", "ok", "stats"}, AuditStamp{"t3", "olga"}));   // own request
  CHECK_FALSE(plan_review(state, {"exp", "approve", "ok", "growth"}, AuditStamp{"t3", "rita"}));  // wrong team
  CHECK_FALSE(plan_review(state, {"exp", "approve", "", "stats"}, AuditStamp{"t3", "rita"}));     // no note

  apply(state, plan_review(state, {"exp", "approve", "ok", "stats"}, AuditStamp{"t3", "rita"}));
  ReviewSummary s = review_summary(state, e);
  CHECK(s.status == ReviewStatus::approved);
  CHECK(s.approvers == std::vector<std::string>{"rita"});
  for (const LaunchCheck& c : launch_checks(state, e)) {
    INFO(c.name << ": " << c.reason);
    if (c.name == "approvals" || c.name == "spec_unchanged" || c.name == "slots") CHECK(c.outcome == CheckOutcome::pass);
    if (c.name == "primary_metric") CHECK(c.outcome == CheckOutcome::fail);  // binding under a policy
  }

  // The spec changes: the approval is void, and the checklist fails on it.
  state.experiments[0].spec.description = "changed after approval";
  s = review_summary(state, state.experiments[0]);
  CHECK(s.status == ReviewStatus::changed);
  bool spec_check_failed = false;
  for (const LaunchCheck& c : launch_checks(state, state.experiments[0])) {
    spec_check_failed = spec_check_failed || (c.name == "spec_unchanged" && c.outcome == CheckOutcome::fail);
  }
  CHECK(spec_check_failed);

  // A new request starts a new round: the old approval does not count.
  apply(state, plan_review(state, {"exp", "request", "", ""}, AuditStamp{"t4", "olga"}));
  CHECK(review_summary(state, state.experiments[0]).status == ReviewStatus::pending);
}

TEST_CASE("a namespace's policy replaces the registry-wide one", "[registry][review]") {
  RegistryState state = state_with_experiment();
  state.review_policies = {ReviewPolicy{"", 2, {}, true}, ReviewPolicy{"search", 0, {}, false}};
  CHECK(policy_for(state, "checkout")->approvals == 2);
  CHECK(policy_for(state, "search")->approvals == 0);
  state.review_policies.clear();
  CHECK(policy_for(state, "checkout") == nullptr);
}

}  // namespace
}  // namespace expt
