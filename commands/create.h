#pragma once
// `expt create FILE...`: loads YAML specs into the registry in one transaction. Idempotent:
// unchanged specs are reported and not written. Refuses, writing nothing, when any spec is
// invalid or a change would reshuffle users already exposed (core/plan/spec_sync.h).

#include <string>
#include <vector>

#include "commands/common/command.h"
#include "commands/common/registry_access.h"

namespace expt {

struct CreateOptions {
  RegistryOptions registry;
  std::vector<std::string> inputs;  // files, folders, or "-" for stdin
  bool dry_run = false;
  OutputFormat format = OutputFormat::human;
  bool force = false;  // redefine metrics bound to running experiments
  std::string reason;  // why, for the audit log; required with force
};

ExitCode run_create(const CreateOptions& options, Io& io);

}  // namespace expt
