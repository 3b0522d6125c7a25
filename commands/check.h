#pragma once
// `expt check EXPERIMENT`: the pre-launch checklist (core/plan/launch_checks.h), each check
// pass, warn or fail with its reason. Exit 1 when a check fails; `expt start` runs the same list.

#include <string>

#include "commands/common/command.h"
#include "commands/common/registry_access.h"

namespace expt {

struct CheckOptions {
  RegistryOptions registry;
  std::string experiment;
  OutputFormat format = OutputFormat::human;
};

ExitCode run_check(const CheckOptions& options, Io& io);

}  // namespace expt
