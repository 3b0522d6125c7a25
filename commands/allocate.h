#pragma once
// `expt allocate EXPERIMENT... | --all`: claims slots under the registry's write lock, so two
// processes allocating at once can never claim overlapping slots. All or nothing.

#include <string>
#include <vector>

#include "commands/common/command.h"
#include "commands/common/registry_access.h"

namespace expt {

struct AllocateOptions {
  RegistryOptions registry;
  std::vector<std::string> experiments;
  bool all = false;  // every draft that holds no slots yet
  bool dry_run = false;
  OutputFormat format = OutputFormat::human;
};

ExitCode run_allocate(const AllocateOptions& options, Io& io);

}  // namespace expt
