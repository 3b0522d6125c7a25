#include "core/plan/spec_sync.h"

#include <catch2/catch.hpp>

#include "tests/support/spec_builders.h"

namespace expt {
namespace {

using testing::make_experiment;
using testing::make_namespace;

const AuditStamp k_stamp{"2026-11-23T12:00:00Z", "alice"};

SpecSet base_specs() {
  SpecSet s;
  s.namespaces.push_back(make_namespace("checkout"));
  s.experiments.push_back(make_experiment("cta", "checkout", 200));
  return s;
}

TEST_CASE("new specs are created as drafts without slots", "[sync]") {
  SyncPlan plan = plan_spec_sync(RegistryState{}, base_specs(), k_stamp);
  REQUIRE(plan.refusals.empty());
  CHECK(plan.count(SyncAction::create) == 2);
  REQUIRE(plan.changes.experiments.size() == 1);
  CHECK(plan.changes.experiments[0].status == ExperimentStatus::draft);
  CHECK_FALSE(plan.changes.experiments[0].slots.has_value());
  CHECK(plan.changes.experiments[0].created_at == k_stamp.at);
  REQUIRE(plan.changes.audit.size() == 2);
  CHECK(plan.changes.audit[1].action == "create");
  CHECK(plan.changes.audit[1].actor == "alice");
}

TEST_CASE("loading the same specs twice plans nothing", "[sync]") {
  RegistryState state = testing::state_with(base_specs());
  SyncPlan plan = plan_spec_sync(state, base_specs(), k_stamp);
  CHECK(plan.count(SyncAction::unchanged) == 2);
  CHECK(plan.changes.empty());
}

TEST_CASE("updates list the changed fields and audit a JSON patch", "[sync]") {
  RegistryState state = testing::state_with(base_specs());
  SpecSet changed = base_specs();
  changed.experiments[0].description = "now with a description";
  changed.experiments[0].fields["description"] = {};  // as written in a file
  changed.experiments[0].owner_team = "checkout-platform";
  SyncPlan plan = plan_spec_sync(state, changed, k_stamp);
  REQUIRE(plan.count(SyncAction::update) == 1);
  CHECK(plan.items.back().changed_fields == std::vector<std::string>{"description", "owner_team"});
  REQUIRE(plan.changes.audit.size() == 1);
  CHECK(plan.changes.audit[0].details["patch"].size() == 2);
}

TEST_CASE("changing the randomization of a running experiment is refused", "[sync]") {
  RegistryState state = testing::state_with(base_specs());
  testing::set_experiment(state, "cta", ExperimentStatus::running, SlotRange{0, 199});
  SpecSet changed = base_specs();
  SECTION("variant weights") {
    changed.experiments[0].variants[0].allocation_bps = 4000;
    changed.experiments[0].variants[1].allocation_bps = 6000;
    SyncPlan plan = plan_spec_sync(state, changed, k_stamp);
    REQUIRE(plan.refusals.size() == 1);
    CHECK(plan.refusals[0].message ==
          "experiment 'cta' is running: changing its variant weights would reshuffle users already exposed; keep "
          "them as they are, or stop this experiment and create a new one");
    CHECK(plan.changes.empty());
  }
  SECTION("traffic and variant keys") {
    changed.experiments[0].traffic.slots = 300;
    changed.experiments[0].variants[1].key = "green";
    SyncPlan plan = plan_spec_sync(state, changed, k_stamp);
    REQUIRE(plan.refusals.size() == 1);
    CHECK(plan.refusals[0].message.find("changing its traffic, variant keys would reshuffle") != std::string::npos);
  }
  SECTION("descriptions and variant configs may change") {
    changed.experiments[0].description = "clarified";
    changed.experiments[0].fields["description"] = {};
    changed.experiments[0].variants[1].config = {{"cta_color", "green"}};
    SyncPlan plan = plan_spec_sync(state, changed, k_stamp);
    CHECK(plan.refusals.empty());
    REQUIRE(plan.changes.experiments.size() == 1);
    CHECK(plan.changes.experiments[0].status == ExperimentStatus::running);
    CHECK(plan.changes.experiments[0].slots == SlotRange{0, 199});
  }
}

TEST_CASE("a description a file leaves out keeps the registered one; an empty one given empties it", "[sync]") {
  SpecSet with_text = base_specs();
  with_text.experiments[0].description = "the registered text";
  with_text.experiments[0].fields["description"] = {};
  RegistryState state = testing::state_with(with_text);
  SyncPlan plan = plan_spec_sync(state, base_specs(), k_stamp);  // no description field
  CHECK(plan.count(SyncAction::update) == 0);
  SpecSet emptied = base_specs();
  emptied.experiments[0].fields["description"] = {};  // `description: ""`
  plan = plan_spec_sync(state, emptied, k_stamp);
  REQUIRE(plan.count(SyncAction::update) == 1);
  CHECK(plan.items.back().changed_fields == std::vector<std::string>{"description"});
}

TEST_CASE("a stopped experiment is protected like a running one, an archived one entirely", "[sync]") {
  RegistryState state = testing::state_with(base_specs());
  SpecSet changed = base_specs();
  changed.experiments[0].variants[1].key = "green";
  testing::set_experiment(state, "cta", ExperimentStatus::stopped, SlotRange{0, 199});
  CHECK(plan_spec_sync(state, changed, k_stamp).refusals.size() == 1);
  testing::set_experiment(state, "cta", ExperimentStatus::archived, SlotRange{0, 199});
  changed = base_specs();
  changed.experiments[0].description = "x";
  changed.experiments[0].fields["description"] = {};
  auto plan = plan_spec_sync(state, changed, k_stamp);
  REQUIRE(plan.refusals.size() == 1);
  CHECK(plan.refusals[0].message ==
        "experiment 'cta' is archived; archived experiments are read-only (create a new one)");
}

TEST_CASE("a draft whose traffic changes gives its slots back", "[sync]") {
  RegistryState state = testing::state_with(base_specs());
  testing::set_experiment(state, "cta", ExperimentStatus::draft, SlotRange{0, 199});
  SpecSet changed = base_specs();
  SECTION("a new size releases the claim") {
    changed.experiments[0].traffic.slots = 300;
    SyncPlan plan = plan_spec_sync(state, changed, k_stamp);
    REQUIRE(plan.changes.experiments.size() == 1);
    CHECK_FALSE(plan.changes.experiments[0].slots.has_value());
    CHECK(plan.items.back().note == "slots 0-199 released because the traffic request changed; run `expt allocate cta`");
  }
  SECTION("the same size written as a percent keeps it") {
    changed.experiments[0].traffic = TrafficRequest{TrafficRequest::Kind::percent, 0, 20, {}};
    SyncPlan plan = plan_spec_sync(state, changed, k_stamp);
    CHECK(plan.changes.experiments[0].slots == SlotRange{0, 199});
    CHECK(plan.items.back().note.empty());
  }
}

TEST_CASE("a namespace's slot count cannot change while experiments hold slots in it", "[sync]") {
  RegistryState state = testing::state_with(base_specs());
  testing::set_experiment(state, "cta", ExperimentStatus::draft, SlotRange{0, 199});
  SpecSet changed = base_specs();
  changed.namespaces[0].total_slots = 2000;
  SyncPlan plan = plan_spec_sync(state, changed, k_stamp);
  REQUIRE(plan.refusals.size() == 1);
  CHECK(plan.refusals[0].message ==
        "namespace 'checkout': changing total_slots from 1000 to 2000 would move every entity to a new slot, but 1 "
        "experiment hold slots in it (cta); archive them first or create a new namespace");
  testing::set_experiment(state, "cta", ExperimentStatus::archived, SlotRange{0, 199});
  CHECK(plan_spec_sync(state, changed, k_stamp).refusals.empty());
}

TEST_CASE("the global holdout cannot change while experiments run", "[sync]") {
  SpecSet specs = base_specs();
  specs.global_holdouts.push_back(GlobalHoldoutSpec{"gh", 200, "", {}, {}});
  RegistryState state = testing::state_with(specs);
  testing::set_experiment(state, "cta", ExperimentStatus::running, SlotRange{0, 199});
  specs.global_holdouts[0].percent_bps = 300;
  SyncPlan plan = plan_spec_sync(state, specs, k_stamp);
  REQUIRE(plan.refusals.size() == 1);
  CHECK(plan.refusals[0].message ==
        "global holdout: changing its key or percent would move entities in or out of 1 running experiment(s) "
        "(cta); stop them first");
}

}  // namespace
}  // namespace expt
