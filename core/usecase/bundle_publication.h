#pragma once
// Publishing a config bundle: a new version in the registry when the content changed (one
// transaction), then the bundle folder completed from the registry. `export bundle` and
// `monitor --publish` run it. The registry is the truth: a publish whose folder write fails
// leaves the version published, and the error says so and how to finish (run it again).

#include <string>
#include <vector>

#include "core/registry/registry.h"
#include "core/registry/state.h"

namespace expt {

struct Publication {
  BundleInfo current;                // the bundle that is current afterwards
  bool is_new = false;               // this run published it
  std::vector<std::string> written;  // the files written to the folder, in order
};

// Errors: the registry's; the folder's (io or conflict, with the recovery hint when a new
// version was published).
Result<Publication> publish_bundle(Registry& registry, const std::string& folder, const AuditStamp& stamp);

}  // namespace expt
