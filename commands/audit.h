#pragma once
// `expt audit [KEY]`: the append-only audit log (who changed what, when), oldest first.

#include <string>

#include "commands/command.h"
#include "commands/registry_access.h"

namespace expt {

struct AuditOptions {
  RegistryOptions registry;
  std::string entity_key;  // empty: everything
  size_t limit = 0;        // 0: all; otherwise the newest N
  OutputFormat format = OutputFormat::human;
};

ExitCode run_audit(const AuditOptions& options, Io& io);

}  // namespace expt
