#include "core/usecase/bundle_publication.h"

#include <fmt/format.h>

#include "core/plan/bundle_publish.h"
#include "core/registry/bundle_folder.h"

namespace expt {

Result<Publication> publish_bundle(Registry& registry, const std::string& folder, const AuditStamp& stamp) {
  PublishPlan plan;
  auto published = registry.update([&](const RegistryState& state) -> Result<ChangeSet> {
    auto planned = plan_bundle_publish(state, stamp);
    if (!planned) return std::move(planned).error();
    plan = std::move(*planned);
    return plan.changes;
  });
  if (!published) return std::move(published).error();

  // The registry holds every published bundle; the folder is completed from it, so a publish
  // that failed or was killed after its commit is finished by the next one.
  const int64_t version = plan.current.version;
  auto synced = sync_bundle_folder(folder, version, [&](int64_t v) { return registry.bundle_document(v); });
  if (!synced) {
    Error error = std::move(synced).error();
    if (plan.is_new) {
      error.message += fmt::format(" (bundle {} is published in the registry; run `expt export bundle` again to "
                                   "write its files)",
                                   version);
    }
    return error;
  }
  return Publication{plan.current, plan.is_new, std::move(synced->written)};
}

}  // namespace expt
