#pragma once
// `expt export bundle --output DIR`: publishes the registry's running configuration as a
// versioned bundle (a new version only when the content changed) and writes bundle-<v>.json,
// diff-<v-1>-<v>.json and latest.json into DIR, each atomically. Format: docs/bundle-format.md.

#include <string>

#include "commands/common/command.h"
#include "commands/common/registry_access.h"

namespace expt {

struct ExportBundleOptions {
  RegistryOptions registry;
  std::string output;  // folder, created if missing
  OutputFormat format = OutputFormat::human;
};

ExitCode run_export_bundle(const ExportBundleOptions& options, Io& io);

}  // namespace expt
