#pragma once
// `expt show NAMESPACE`: the namespace as a slot map: which ranges belong to which experiment
// (drafts with slots, running and stopped ones), and what is free.

#include <string>

#include "commands/common/command.h"
#include "commands/common/registry_access.h"

namespace expt {

struct ShowOptions {
  RegistryOptions registry;
  std::string namespace_key;
  OutputFormat format = OutputFormat::human;
};

ExitCode run_show(const ShowOptions& options, Io& io);

}  // namespace expt
