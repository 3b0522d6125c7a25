#pragma once
// How commands find and open the registry: --registry PATH, else EXPT_REGISTRY, else ./expt.db
// (the CLI resolves the first two into RegistryOptions::path).

#include <memory>
#include <string>

#include "commands/command.h"
#include "core/registry/sqlite_registry.h"

namespace expt {

inline constexpr const char* k_default_registry = "expt.db";

struct RegistryOptions {
  std::string path = k_default_registry;
};

// Opens the registry; in OpenMode::must_exist a missing file is an error that says how to create one.
Result<std::unique_ptr<SqliteRegistry>> open_registry(const RegistryOptions& options, OpenMode mode, const Io& io);

enum class DryRun { no, yes };

// Runs `planner` inside Registry::update, or with DryRun::yes against a read snapshot without
// writing anything. Either way the planner's Error, or the registry's, is returned.
Result<void> plan_or_apply(Registry& registry, const Registry::Planner& planner, DryRun dry_run);

}  // namespace expt
