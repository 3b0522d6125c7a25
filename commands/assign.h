#pragma once
// `expt assign ENTITY... | --input FILE|-`: which experiment, variant and config each entity
// gets in every layer (or the named ones), from the registry or, with --bundle, from an exported
// bundle through the in-process evaluator. Streaming mode reads IDs one per line, or from a CSV
// column, and writes CSV or JSON lines in constant memory.

#include <string>
#include <vector>

#include "commands/common/command.h"
#include "commands/common/registry_access.h"

namespace expt {

struct AssignOptions {
  RegistryOptions registry;
  std::string bundle;  // a bundle file to evaluate instead of the registry
  std::vector<std::string> entities;
  std::vector<std::string> namespaces;  // empty: every layer
  std::string input;                    // file or "-"; empty: use `entities`
  std::string column;                   // CSV column holding the IDs; empty: one ID per line
  unsigned threads = 0;  // workers for one ID per line; 0: one per core
  OutputFormat format = OutputFormat::human;  // --input: csv (default) or jsonl
  bool format_given = false;  // --format was on the command line (with --input only csv and jsonl exist)
};

ExitCode run_assign(const AssignOptions& options, Io& io);

}  // namespace expt
