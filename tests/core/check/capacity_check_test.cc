#include "core/check/capacity_check.h"

#include <catch2/catch.hpp>

#include "core/base/diagnostic.h"
#include "core/base/finding_codes.h"
#include "tests/support/spec_builders.h"

namespace expt {
namespace {

SpecSet namespace_with(uint32_t total, std::vector<ExperimentSpec> experiments) {
  SpecSet s;
  s.namespaces.push_back(testing::make_namespace("ns", total));
  s.experiments = std::move(experiments);
  return s;
}

TEST_CASE("requests that fit produce no findings", "[lint][capacity]") {
  SpecSet s = namespace_with(100, {testing::make_experiment("a", "ns", 50), testing::make_experiment("b", "ns", 50)});
  CHECK(check_capacity(s, RegistryState{}).empty());
}

TEST_CASE("an over-subscribed namespace names every competitor and the excess", "[lint][capacity]") {
  SpecSet s = namespace_with(100, {testing::make_experiment("a", "ns", 60), testing::make_experiment("b", "ns", 30),
                                   testing::make_experiment("c", "ns", 20)});
  auto findings = check_capacity(s, RegistryState{});
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].code == code::namespace_oversubscribed);
  CHECK(findings[0].message ==
        "namespace 'ns' is over-subscribed: experiments ask for 110 of its 100 slots (10 too many): a 60, b 30, c 20");
}

TEST_CASE("claims already in the registry count against the specs", "[lint][capacity]") {
  SpecSet registry_specs = namespace_with(100, {testing::make_experiment("old", "ns", 70)});
  RegistryState state = testing::state_with(registry_specs);
  testing::set_experiment(state, "old", ExperimentStatus::running, SlotRange{0, 69});
  SpecSet incoming;
  incoming.experiments.push_back(testing::make_experiment("new", "ns", 40));
  auto findings = check_capacity(incoming, state);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].message ==
        "namespace 'ns' is over-subscribed: experiments ask for 110 of its 100 slots (10 too many): old 70 "
        "(allocated), new 40");
  SECTION("an archived experiment no longer competes") {
    testing::set_experiment(state, "old", ExperimentStatus::archived, SlotRange{0, 69});
    CHECK(check_capacity(incoming, state).empty());
  }
  SECTION("an experiment in both keeps its range") {
    incoming.experiments.push_back(testing::make_experiment("old", "ns", 70));
    incoming.experiments.erase(incoming.experiments.begin());
    CHECK(check_capacity(incoming, state).empty());
  }
}

TEST_CASE("fragmented free space is found by replaying allocation", "[lint][capacity]") {
  SpecSet s = namespace_with(100, {testing::make_experiment_in_range("left", "ns", {20, 39}),
                                   testing::make_experiment_in_range("right", "ns", {60, 79}),
                                   testing::make_experiment("wide", "ns", 30)});
  auto findings = check_capacity(s, RegistryState{});
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].code == code::slots_fragmented);
  CHECK(findings[0].message ==
        "namespace 'ns' has 60 free slots but no contiguous run of 30 for 'wide'; free: 0-19 (20), 40-59 (20), 80-99 (20)");
}

}  // namespace
}  // namespace expt
