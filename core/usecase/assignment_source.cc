#include "core/usecase/assignment_source.h"

#include "core/assign/evaluator.h"
#include "core/registry/registry_snapshot.h"
#include "core/registry/sqlite_registry.h"

namespace expt {

Result<std::shared_ptr<const AssignmentSnapshot>> load_assignment_snapshot(const std::string& registry_path,
                                                                          const std::string& bundle_path,
                                                                          const AuditStamp& stamp,
                                                                          const std::vector<std::string>& namespaces) {
  if (!bundle_path.empty()) {
    Evaluator evaluator;
    auto loaded = evaluator.load_file(bundle_path);
    if (!loaded) return std::move(loaded).error();
    std::shared_ptr<const BundleSnapshot> bundle = evaluator.snapshot();
    // Share ownership with the bundle: the snapshot lives inside it.
    return std::shared_ptr<const AssignmentSnapshot>(bundle, &bundle->assignment());
  }
  auto opened = SqliteRegistry::open(registry_path, OpenMode::must_exist, stamp);
  if (!opened) return std::move(opened).error();
  auto state = (*opened)->read(ReadScope{{}, namespaces});  // only the layers asked for
  if (!state) return std::move(state).error();
  return std::shared_ptr<const AssignmentSnapshot>(std::make_shared<AssignmentSnapshot>(snapshot_from_registry(*state)));
}

}  // namespace expt
