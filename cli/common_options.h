#pragma once
// Flags that mean the same thing in every subcommand: --registry (or EXPT_REGISTRY) and --format.

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands/command.h"
#include "commands/registry_access.h"

namespace expt {

// Adds --registry PATH; `registry.path` holds the default (main puts EXPT_REGISTRY there).
CLI::Option* add_registry_option(CLI::App& app, RegistryOptions& registry);

// Adds `name` taking one of `words`, each meaning a value of `target`'s enum. The first word is
// the default, set now; a word not in the list is a usage error naming the allowed ones.
template <typename Enum>
CLI::Option* add_word_option(CLI::App& app, const std::string& name, Enum& target,
                             const std::vector<std::pair<std::string, Enum>>& words, const std::string& description) {
  std::vector<std::string> allowed;
  std::string listed;
  for (const auto& [word, value] : words) {
    allowed.push_back(word);
    listed += (listed.empty() ? "" : "|") + word;
  }
  target = words.front().second;
  return app
      .add_option_function<std::string>(
          name,
          [&target, words](const std::string& word) {
            for (const auto& [w, value] : words) {
              if (w == word) target = value;
            }
          },
          description + ": " + listed + " (default: " + allowed.front() + ")")
      ->check(CLI::IsMember(allowed))
      ->type_name("WORD");
}

// Adds --format limited to `allowed` (the first is the default).
void add_format_option(CLI::App& app, OutputFormat& format, std::initializer_list<OutputFormat> allowed);

}  // namespace expt
