#pragma once
// How commands find and open the registry: --registry PATH, else EXPT_REGISTRY, else ./expt.db
// (the CLI resolves the first two into RegistryOptions::path).

#include <memory>
#include <string>

#include "commands/common/command.h"
#include "core/registry/sqlite_registry.h"

namespace expt {

inline constexpr const char* k_default_registry = "expt.db";

struct RegistryOptions {
  std::string path = k_default_registry;
};

// Opens the registry; in OpenMode::must_exist a missing file is an error that says how to create one.
Result<std::unique_ptr<SqliteRegistry>> open_registry(const RegistryOptions& options, OpenMode mode, const Io& io);

// What a command about one experiment reads: the open registry, the state around the experiment
// (its namespace's experiments: ReadScope) and the experiment itself.
struct ExperimentContext {
  std::unique_ptr<SqliteRegistry> registry;
  RegistryState state;
  std::string key;
  const ExperimentRecord& experiment() const { return *state.find_experiment(key); }
};

// Opens the registry and reads experiment `key`. Errors: the registry cannot be opened or read,
// or there is no such experiment (the message suggests the closest key).
Result<ExperimentContext> read_experiment(const RegistryOptions& options, const std::string& key, const Io& io);

enum class DryRun { no, yes };

// Runs `planner` inside Registry::update, or with DryRun::yes against a read snapshot without
// writing anything. Either way the planner's Error, or the registry's, is returned.
Result<void> plan_or_apply(Registry& registry, const Registry::Planner& planner, DryRun dry_run);

}  // namespace expt
