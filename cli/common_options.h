#pragma once
// Flags that mean the same thing in every subcommand: --registry (or EXPT_REGISTRY) and --format.

#include <initializer_list>

#include <CLI/CLI.hpp>

#include "commands/command.h"
#include "commands/registry_access.h"

namespace expt {

// Adds --registry PATH; `registry.path` holds the default (main puts EXPT_REGISTRY there).
CLI::Option* add_registry_option(CLI::App& app, RegistryOptions& registry);

// Adds --format limited to `allowed` (the first is the default).
void add_format_option(CLI::App& app, OutputFormat& format, std::initializer_list<OutputFormat> allowed);

}  // namespace expt
