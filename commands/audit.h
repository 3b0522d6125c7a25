#pragma once
// `expt audit [KEY]`: the append-only audit log (who changed what, when), oldest first.

#include <optional>
#include <string>

#include "commands/common/command.h"
#include "commands/common/registry_access.h"

namespace expt {

struct AuditOptions {
  RegistryOptions registry;
  std::string entity_key;  // empty: everything
  std::optional<long long> limit;  // the newest N (at least 1); none: all
  OutputFormat format = OutputFormat::human;
};

ExitCode run_audit(const AuditOptions& options, Io& io);

}  // namespace expt
