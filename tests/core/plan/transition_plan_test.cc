#include "core/plan/transition_plan.h"

#include <catch2/catch.hpp>

#include "tests/support/spec_builders.h"

namespace expt {
namespace {

const AuditStamp k_stamp{"2026-11-23T12:00:00Z", "alice"};

RegistryState one_experiment() {
  SpecSet specs;
  specs.namespaces.push_back(testing::make_namespace("checkout"));
  specs.experiments.push_back(testing::make_experiment("cta", "checkout"));
  return testing::state_with(specs);
}

TEST_CASE("starting requires allocated slots", "[lifecycle]") {
  RegistryState state = one_experiment();
  auto plan = plan_transition(state, {"cta", Transition::start, ""}, k_stamp);
  REQUIRE_FALSE(plan);
  CHECK(plan.error().message == "experiment 'cta' has no slots; allocate them first (expt allocate cta)");
}

TEST_CASE("each transition is stamped and audited", "[lifecycle]") {
  RegistryState state = one_experiment();
  testing::set_experiment(state, "cta", ExperimentStatus::draft, SlotRange{0, 99});
  auto plan = plan_transition(state, {"cta", Transition::start, "launch review #12"}, k_stamp);
  REQUIRE(plan);
  CHECK(plan->changed());
  const ExperimentRecord& r = plan->changes.experiments.at(0);
  CHECK(r.status == ExperimentStatus::running);
  CHECK(r.started_at == k_stamp.at);
  const AuditEntry& a = plan->changes.audit.at(0);
  CHECK(a.action == "start");
  CHECK(a.details == nlohmann::json{{"from", "draft"}, {"to", "running"}, {"slots", "0-99"}, {"reason", "launch review #12"}});
}

TEST_CASE("archiving keeps the range on the record but releases the claim", "[lifecycle]") {
  RegistryState state = one_experiment();
  testing::set_experiment(state, "cta", ExperimentStatus::stopped, SlotRange{0, 99});
  auto plan = plan_transition(state, {"cta", Transition::archive, ""}, k_stamp);
  REQUIRE(plan);
  const ExperimentRecord& r = plan->changes.experiments.at(0);
  CHECK(r.slots == SlotRange{0, 99});
  CHECK_FALSE(r.claims_slots());
  CHECK(r.archived_at == k_stamp.at);
}

TEST_CASE("a repeated transition changes nothing", "[lifecycle]") {
  RegistryState state = one_experiment();
  testing::set_experiment(state, "cta", ExperimentStatus::running, SlotRange{0, 99});
  auto plan = plan_transition(state, {"cta", Transition::start, ""}, k_stamp);
  REQUIRE(plan);
  CHECK_FALSE(plan->changed());
  CHECK(plan->changes.empty());
}

TEST_CASE("an invalid variant set cannot start", "[lifecycle]") {
  RegistryState state = one_experiment();
  testing::set_experiment(state, "cta", ExperimentStatus::draft, SlotRange{0, 99});
  state.experiments[0].spec.variants[1].allocation_bps = 4000;
  auto plan = plan_transition(state, {"cta", Transition::start, ""}, k_stamp);
  REQUIRE_FALSE(plan);
  CHECK(plan.error().message == "experiment 'cta' cannot start: variant allocations sum to 0.9, expected 1");
}

}  // namespace
}  // namespace expt
