#include "tests/support/fixture_registry.h"

#include "core/assign/bundle.h"
#include "core/plan/bundle_publish.h"

#include <stdexcept>

#include "core/plan/allocation_plan.h"
#include "core/plan/spec_sync.h"
#include "tests/support/fixtures.h"
#include "tests/support/spec_builders.h"

namespace expt::testing {

SpecSet fixture_specs() {
  SpecSet all;
  for (const char* file : {"00-namespaces.yaml", "01-metrics.yaml", "checkout.yaml", "search.yaml", "pricing.yaml",
                           "onboarding.yaml"}) {
    all.append(specs_from_yaml(read_file(fixture_path(std::string("specs/") + file)), file));
  }
  return all;
}

RegistryState running_fixture_registry() {
  RegistryState state = state_with(fixture_specs());
  auto plan = plan_allocation(state, {}, true, AuditStamp{"t", "test"});
  if (!plan) throw std::runtime_error(plan.error().message);
  for (const ExperimentRecord& placed : plan->changes.experiments) {
    for (ExperimentRecord& e : state.experiments) {
      if (e.spec.key == placed.spec.key) {
        e.slots = placed.slots;
        e.status = ExperimentStatus::running;
      }
    }
  }
  return state;
}

std::shared_ptr<const BundleSnapshot> running_fixture_snapshot(int64_t version) {
  auto parsed = BundleSnapshot::from_document(
      bundle_document(bundle_content(running_fixture_registry()), version, "2026-11-23T12:00:00Z"), "bundle.json");
  return parsed ? *parsed : nullptr;
}

}  // namespace expt::testing
