#pragma once
// `expt export assignments --input IDS`: the assignment of every ID in every layer, in the
// columns of `assign --input` (entity_id, namespace, experiment, variant, slot, in_holdout), for
// joining with events in any tool. With --output the file appears atomically, complete or not at all.

#include <string>
#include <vector>

#include "commands/common/command.h"
#include "commands/common/registry_access.h"

namespace expt {

struct ExportAssignmentsOptions {
  RegistryOptions registry;
  std::string bundle;  // evaluate this bundle file instead of the registry
  std::string input;   // file or "-"
  std::string column;  // CSV column holding the IDs; empty: one ID per line
  unsigned threads = 0;  // workers for one ID per line; 0: one per core
  std::vector<std::string> namespaces;
  std::string output;  // file; empty: stdout
  OutputFormat format = OutputFormat::csv;
};

ExitCode run_export_assignments(const ExportAssignmentsOptions& options, Io& io);

}  // namespace expt
