#pragma once
// `expt start | stop | archive EXPERIMENT`: moves an experiment through its lifecycle
// (core/registry/lifecycle.h), timestamped and audited. Asking for the status it already has changes
// nothing and exits 0; an illegal transition exits 2 with the reason.

#include <string>

#include "commands/command.h"
#include "commands/registry_access.h"
#include "core/registry/lifecycle.h"

namespace expt {

struct LifecycleOptions {
  RegistryOptions registry;
  std::string experiment;
  Transition transition = Transition::start;
  std::string reason;  // recorded in the audit log
  bool force = false;  // start: even when the plan does not reach its MDE
  OutputFormat format = OutputFormat::human;
};

ExitCode run_lifecycle(const LifecycleOptions& options, Io& io);

}  // namespace expt
