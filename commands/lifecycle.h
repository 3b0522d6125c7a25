#pragma once
// `expt start | stop | archive EXPERIMENT...` (or `[--namespace NS] --all`): moves experiments
// through their lifecycle (core/registry/lifecycle.h), timestamped and audited, all in one
// transaction: every one moves, or none does. Asking for the status one already has changes
// nothing and exits 0; an illegal transition exits 2 with the reason, naming the experiment.

#include <string>
#include <vector>

#include "commands/common/command.h"
#include "commands/common/registry_access.h"
#include "core/registry/lifecycle.h"

namespace expt {

struct LifecycleOptions {
  RegistryOptions registry;
  std::string experiment;  // one experiment (or none, with `experiments` or `all`)
  Transition transition = Transition::start;
  std::string reason;  // recorded in the audit log
  bool force = false;  // start: even when the plan does not reach its MDE
  OutputFormat format = OutputFormat::human;
  std::vector<std::string> experiments;  // more experiments, moved with `experiment`
  std::string namespace_key;            // with `all`: only this namespace's experiments (else all)
  bool all = false;
};

ExitCode run_lifecycle(const LifecycleOptions& options, Io& io);

}  // namespace expt
