#pragma once
// `expt init`: creates the registry file and schema, or migrates an older one forward.
// Running it on an up-to-date registry changes nothing and says so.

#include "commands/common/command.h"
#include "commands/common/registry_access.h"

namespace expt {

struct InitOptions {
  RegistryOptions registry;
  OutputFormat format = OutputFormat::human;
};

ExitCode run_init(const InitOptions& options, Io& io);

}  // namespace expt
