#pragma once
// `expt list`: experiments in the registry, filtered by namespace, status, owner and type.

#include <string>

#include "commands/common/command.h"
#include "commands/common/registry_access.h"

namespace expt {

struct ListOptions {
  RegistryOptions registry;
  std::string namespace_key;  // empty: any
  std::string status;         // empty: any
  std::string owner;          // empty: any
  std::string type;           // empty: any
  OutputFormat format = OutputFormat::human;
};

ExitCode run_list(const ListOptions& options, Io& io);

}  // namespace expt
