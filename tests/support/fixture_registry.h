#pragma once
// The fixture specs (fixtures/specs) as a registry state with every experiment allocated the
// way `expt allocate --all` places them and started, for tests that need a realistic registry.

#include "core/registry/state.h"

namespace expt::testing {

SpecSet fixture_specs();
RegistryState running_fixture_registry();

}  // namespace expt::testing
