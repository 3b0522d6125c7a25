#pragma once
// `expt export registry`: the registry for notebooks and warehouses: namespaces, metrics,
// experiments (status, slot ranges, timestamps), variants and metric bindings, as one JSON
// document or as five CSV tables.

#include <string>

#include "commands/common/command.h"
#include "commands/common/registry_access.h"

namespace expt {

struct ExportRegistryOptions {
  RegistryOptions registry;
  OutputFormat format = OutputFormat::json;  // json or csv
  std::string output;  // json: a file (else stdout); csv: a folder for all five tables
  std::string table;   // csv: print only this table to stdout
};

ExitCode run_export_registry(const ExportRegistryOptions& options, Io& io);

}  // namespace expt
