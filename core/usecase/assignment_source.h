#pragma once
// Where an assignment is evaluated from: a bundle file (through the SDK's evaluator, no registry
// opened), or the registry's current state. `assign` and `export assignments` both start here.

#include <memory>
#include <string>
#include <vector>

#include "core/assign/assignment.h"
#include "core/registry/state.h"

namespace expt {

// The snapshot from `bundle_path` when it is not empty, else from the registry at
// `registry_path` (which must exist). With `namespaces`, only those layers' experiments are read
// from the registry (the other layers are in the snapshot, empty): callers select exactly those
// layers. Errors: the registry or bundle cannot be read, or the bundle does not verify.
Result<std::shared_ptr<const AssignmentSnapshot>> load_assignment_snapshot(const std::string& registry_path,
                                                                          const std::string& bundle_path,
                                                                          const AuditStamp& stamp,
                                                                          const std::vector<std::string>& namespaces = {});

}  // namespace expt
