#pragma once
// Flags that mean the same thing in every subcommand: --registry (or EXPT_REGISTRY) and --format.
// Inline, and included by cli/app.cc and cli/subcommand_table.cc only (CLI11 is a heavy header).

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands/common/command.h"
#include "commands/common/registry_access.h"

namespace expt {

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

// Adds --registry PATH; `registry.path` holds the default (main puts EXPT_REGISTRY there).
inline CLI::Option* add_registry_option(CLI::App& app, RegistryOptions& registry) {
  return app.add_option("--registry", registry.path, "Registry file (default: $EXPT_REGISTRY, else ./expt.db)")
      ->type_name("PATH")
      ->group("Registry");
}

// Adds --format limited to `allowed` (the first is the default).
inline void add_format_option(CLI::App& app, OutputFormat& format, std::initializer_list<OutputFormat> allowed) {
  std::vector<std::pair<std::string, OutputFormat>> words;
  for (OutputFormat f : allowed) words.emplace_back(std::string(to_string(f)), f);
  add_word_option(app, "--format", format, words, "Output format")->type_name("FORMAT")->group("Output");
}

// Adds --color never|auto|always (auto: on a terminal, unless NO_COLOR is set).
inline void add_color_option(CLI::App& app, ColorChoice& color) {
  add_word_option(app, "--color", color,
                  {{"auto", ColorChoice::automatic}, {"never", ColorChoice::never}, {"always", ColorChoice::always}},
                  "Colour errors, warnings and significance marks")
      ->type_name("WHEN")
      ->group("Output");
}

}  // namespace expt
