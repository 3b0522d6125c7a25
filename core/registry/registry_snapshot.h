#pragma once
// The assignment snapshot of a registry state: what `expt assign` and `expt analyze` evaluate
// when they read the registry instead of a bundle. Equal to the snapshot of the bundle that
// `expt export bundle` would publish from the same state.

#include <string_view>

#include "core/assign/assignment.h"
#include "core/registry/state.h"

namespace expt {

// Builds the snapshot of every namespace and every running experiment in `state`. An experiment
// named `also_active` is included whatever its status (analysis recomputes the assignments of
// stopped experiments); it must hold slots to be included.
AssignmentSnapshot snapshot_from_registry(const RegistryState& state, std::string_view also_active = {});

}  // namespace expt
