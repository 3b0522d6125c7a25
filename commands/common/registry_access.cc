#include "commands/common/registry_access.h"

namespace expt {

Result<std::unique_ptr<SqliteRegistry>> open_registry(const RegistryOptions& options, OpenMode mode, const Io& io) {
  return SqliteRegistry::open(options.path, mode, io.stamp());
}

Result<ExperimentContext> read_experiment(const RegistryOptions& options, const std::string& key, const Io& io) {
  auto registry = open_registry(options, OpenMode::must_exist, io);
  if (!registry) return std::move(registry).error();
  auto state = (*registry)->read(ReadScope{{key}, {}});
  if (!state) return std::move(state).error();
  if (state->find_experiment(key) == nullptr) return unknown_experiment(*state, key);
  return ExperimentContext{std::move(*registry), std::move(*state), key};
}

Result<void> plan_or_apply(Registry& registry, const Registry::Planner& planner, DryRun dry_run) {
  if (dry_run == DryRun::no) return registry.update(planner);
  auto state = registry.read();
  if (!state) return std::move(state).error();
  auto planned = planner(*state);
  if (!planned) return std::move(planned).error();
  return {};
}

}  // namespace expt
