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

TEST_CASE("a batch of transitions is planned in order, each against the state the earlier ones leave", "[lifecycle]") {
  SpecSet specs;
  specs.namespaces.push_back(testing::make_namespace("checkout"));
  specs.namespaces.push_back(testing::make_namespace("search"));
  specs.experiments.push_back(testing::make_experiment("cta", "checkout"));
  specs.experiments.push_back(testing::make_experiment("layout", "checkout"));
  specs.experiments.push_back(testing::make_experiment("ranker", "search"));
  RegistryState state = testing::state_with(specs);
  testing::set_experiment(state, "cta", ExperimentStatus::draft, SlotRange{0, 99});
  testing::set_experiment(state, "layout", ExperimentStatus::draft, SlotRange{100, 199});
  testing::set_experiment(state, "ranker", ExperimentStatus::draft, SlotRange{0, 99});

  auto all = plan_transitions(state, TransitionBatch{{}, true, "checkout", Transition::start, "", false}, k_stamp);
  REQUIRE(all);
  CHECK(all->experiments == std::vector<std::string>{"cta", "layout"});
  CHECK(all->changes.experiments.size() == 2);
  CHECK(all->changes.audit.size() == 2);

  // The second archive of one experiment sees the first's result, and changes nothing, as a second command would.
  auto both = plan_transitions(state, TransitionBatch{{"cta", "cta"}, false, "", Transition::archive, "", false}, k_stamp);
  REQUIRE(both);
  CHECK(both->plans.at(0).changed());
  CHECK(!both->plans.at(1).changed());

  auto unknown = plan_transitions(state, TransitionBatch{{}, true, "chekout", Transition::start, "", false}, k_stamp);
  REQUIRE(!unknown);
  CHECK(unknown.error().message == "unknown namespace 'chekout' (did you mean 'checkout'?)");
  CHECK(transition_scope(TransitionBatch{{}, true, "search", Transition::stop, "", false}).namespaces ==
        std::vector<std::string>{"search"});
  CHECK(transition_scope(TransitionBatch{{"cta"}, false, "", Transition::stop, "", false}).experiments ==
        std::vector<std::string>{"cta"});
}

}  // namespace
}  // namespace expt
