#include "core/plan/allocation_plan.h"

#include <catch2/catch.hpp>

#include "core/base/finding_codes.h"
#include "tests/support/spec_builders.h"

namespace expt {
namespace {

const AuditStamp k_stamp{"2026-11-23T12:00:00Z", "alice"};

RegistryState registry(std::vector<ExperimentSpec> experiments, uint32_t total = 1000) {
  SpecSet specs;
  specs.namespaces.push_back(testing::make_namespace("checkout", total));
  specs.experiments = std::move(experiments);
  return testing::state_with(specs);
}

TEST_CASE("allocating every draft places explicit ranges first, then the largest requests", "[allocate]") {
  RegistryState state = registry({testing::make_experiment("small", "checkout", 100),
                                  testing::make_experiment("large", "checkout", 500),
                                  testing::make_experiment_in_range("pinned", "checkout", {400, 499})});
  auto plan = plan_allocation(state, {}, true, k_stamp);
  REQUIRE(plan);
  REQUIRE(plan->items.size() == 3);
  CHECK(plan->items[0].experiment == "pinned");
  CHECK(plan->items[0].range == SlotRange{400, 499});
  CHECK(plan->items[1].experiment == "large");
  CHECK(plan->items[1].range == SlotRange{500, 999});
  CHECK(plan->items[2].experiment == "small");
  CHECK(plan->items[2].range == SlotRange{0, 99});
  CHECK(plan->changes.audit.size() == 3);
}

TEST_CASE("allocation is all or nothing", "[allocate]") {
  RegistryState state = registry({testing::make_experiment("a", "checkout", 600),
                                  testing::make_experiment("b", "checkout", 600)});
  auto plan = plan_allocation(state, {}, true, k_stamp);
  REQUIRE_FALSE(plan);
  CHECK(plan.error().code == code::namespace_oversubscribed);
  CHECK(plan.error().message ==
        "namespace 'checkout' cannot fit 'b': it needs 600 slots but only 400 of 1000 are free; free: 600-999 (400)");
}

TEST_CASE("already allocated experiments are reported and left alone", "[allocate]") {
  RegistryState state = registry({testing::make_experiment("a", "checkout", 100)});
  testing::set_experiment(state, "a", ExperimentStatus::running, SlotRange{0, 99});
  std::vector<std::string> keys{"a"};
  auto plan = plan_allocation(state, keys, false, k_stamp);
  REQUIRE(plan);
  REQUIRE(plan->items.size() == 1);
  CHECK(plan->items[0].already_allocated);
  CHECK(plan->changes.empty());
}

TEST_CASE("unknown and archived experiments cannot be allocated", "[allocate]") {
  RegistryState state = registry({testing::make_experiment("checkout-cta", "checkout", 100)});
  std::vector<std::string> typo{"checkout-cat"};
  auto plan = plan_allocation(state, typo, false, k_stamp);
  REQUIRE_FALSE(plan);
  CHECK(plan.error().message == "unknown experiment 'checkout-cat' (did you mean 'checkout-cta'?)");
  testing::set_experiment(state, "checkout-cta", ExperimentStatus::archived, std::nullopt);
  std::vector<std::string> archived{"checkout-cta"};
  CHECK(plan_allocation(state, archived, false, k_stamp).error().message ==
        "experiment 'checkout-cta' is archived; archived experiments do not hold slots");
}

TEST_CASE("slots of archived experiments return to the pool", "[allocate]") {
  RegistryState state = registry({testing::make_experiment("old", "checkout", 1000),
                                  testing::make_experiment("new", "checkout", 1000)});
  testing::set_experiment(state, "old", ExperimentStatus::stopped, SlotRange{0, 999});
  std::vector<std::string> keys{"new"};
  CHECK_FALSE(plan_allocation(state, keys, false, k_stamp));
  testing::set_experiment(state, "old", ExperimentStatus::archived, SlotRange{0, 999});
  auto plan = plan_allocation(state, keys, false, k_stamp);
  REQUIRE(plan);
  CHECK(plan->items[0].range == SlotRange{0, 999});
}

}  // namespace
}  // namespace expt
