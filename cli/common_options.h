#pragma once
// Flags that mean the same thing in every subcommand: --registry (or EXPT_REGISTRY) and --format.
// Inline, and included by cli/app.cc and cli/subcommand_table.cc only (CLI11 is a heavy header).

#include <algorithm>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands/common/command.h"
#include "core/base/edit_distance.h"
#include "commands/common/registry_access.h"

namespace expt {

// Adds `name` taking one of `words`, each meaning a value of `target`'s enum, and the `aliases`
// (other words for the same values, accepted but not listed). The first word is the default, set
// now; a word not in either list is a usage error that lists the allowed words and suggests the
// closest one.
template <typename Enum>
CLI::Option* add_word_option(CLI::App& app, const std::string& name, Enum& target,
                             const std::vector<std::pair<std::string, Enum>>& words, const std::string& description,
                             const std::vector<std::pair<std::string, Enum>>& aliases = {}) {
  std::vector<std::pair<std::string, Enum>> accepted = words;
  accepted.insert(accepted.end(), aliases.begin(), aliases.end());
  std::string listed, described;
  for (const auto& [word, value] : words) {
    listed += (listed.empty() ? "" : "|") + word;
    described += (described.empty() ? "" : ",") + word;
  }
  target = words.front().second;
  // The description "{a,b,c}" is what describe_cli reads the choices from (for completions).
  CLI::Validator one_of(
      [accepted, listed](std::string& word) -> std::string {
        std::vector<std::string_view> known;
        for (const auto& [w, value] : accepted) {
          if (w == word) return {};
          known.push_back(w);
        }
        return "'" + word.substr(0, 40) + "' is not one of " + listed + did_you_mean(word, known);
      },
      "{" + described + "}");
  return app
      .add_option_function<std::string>(
          name,
          [&target, accepted](const std::string& word) {
            for (const auto& [w, value] : accepted) {
              if (w == word) target = value;
            }
          },
          description + ": " + listed + " (default: " + words.front().first + ")")
      ->check(one_of)
      ->type_name("WORD");
}

// Adds --registry PATH; `registry.path` holds the default (main puts EXPT_REGISTRY there).
inline CLI::Option* add_registry_option(CLI::App& app, RegistryOptions& registry) {
  return app.add_option("--registry", registry.path, "Registry file (default: $EXPT_REGISTRY, else ./expt.db)")
      ->type_name("PATH")
      ->group("Registry");
}

// Adds --format limited to `allowed` (the first is the default).
// `table` is accepted for human, where human is offered: older versions of analyze called it so.
inline void add_format_option(CLI::App& app, OutputFormat& format, std::initializer_list<OutputFormat> allowed) {
  std::vector<std::pair<std::string, OutputFormat>> words, aliases;
  for (OutputFormat f : allowed) words.emplace_back(std::string(to_string(f)), f);
  if (std::find(allowed.begin(), allowed.end(), OutputFormat::human) != allowed.end()) aliases.emplace_back("table", OutputFormat::human);
  add_word_option(app, "--format", format, words, "Output format", aliases)->type_name("FORMAT")->group("Output");
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
