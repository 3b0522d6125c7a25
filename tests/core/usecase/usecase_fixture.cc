#include "tests/core/usecase/usecase_fixture.h"

#include <catch2/catch.hpp>

#include "core/plan/allocation_plan.h"
#include "core/plan/spec_sync.h"
#include "core/plan/transition_plan.h"
#include "core/spec/parser.h"

namespace expt::testing {

UseCaseFixture::UseCaseFixture(const std::string& dataset, const std::string& experiment) {
  auto opened = SqliteRegistry::open(path, OpenMode::create_if_missing, session.stamp);
  REQUIRE(opened);
  registry = std::move(*opened);
  const std::string file = fixture_path("analysis/" + dataset + "/spec.yaml").string();
  ParsedSpecs parsed = parse_specs(read_file(file), file);
  REQUIRE(parsed.errors.empty());
  const AuditStamp stamp = session.stamp;
  REQUIRE(registry->update([&](const RegistryState& s) -> Result<ChangeSet> { return plan_spec_sync(s, parsed.specs, stamp).changes; }));
  REQUIRE(registry->update([&](const RegistryState& s) -> Result<ChangeSet> {
    auto plan = plan_allocation(s, {}, true, stamp);
    if (!plan) return std::move(plan).error();
    return plan->changes;
  }));
  REQUIRE(registry->update([&](const RegistryState& s) -> Result<ChangeSet> {
    auto plan = plan_transition(s, {experiment, Transition::start, "", false}, stamp);
    if (!plan) return std::move(plan).error();
    return plan->changes;
  }));
}

std::string UseCaseFixture::data(const std::string& dataset, const std::string& file) const {
  return fixture_path("analysis/" + dataset + "/" + file).string();
}

}  // namespace expt::testing
