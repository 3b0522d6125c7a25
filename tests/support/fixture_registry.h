#pragma once
// The fixture specs (fixtures/specs) as a registry state with every experiment allocated the
// way `expt allocate --all` places them and started, for tests that need a realistic registry.

#include <cstdint>
#include <memory>

#include "core/assign/evaluator.h"
#include "core/registry/state.h"

namespace expt::testing {

SpecSet fixture_specs();
RegistryState running_fixture_registry();
// That registry's bundle as the SDK loads it, as version `version`; nullptr if it does not load.
std::shared_ptr<const BundleSnapshot> running_fixture_snapshot(int64_t version = 1);

}  // namespace expt::testing
