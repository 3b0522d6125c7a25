#pragma once
// The CLI as plain data: every command with its options, groups, allowed words and docs, read
// from the CLI11 app once. The man page and the shell completions are rendered from it, so
// they cannot drift from --help, and their renderers need no CLI11.

#include <string>
#include <vector>

#include "cli/command_docs.h"

namespace CLI {
class App;
}

namespace expt {

struct OptionModel {
  std::string name;                  // "--format", or a positional's name
  std::vector<std::string> flags;    // every spelling: "-h", "--help"
  std::string value_name;            // "FILE"; empty for a flag that takes no value
  std::string description;
  std::string group;
  std::vector<std::string> choices;  // the allowed words, when the option takes one of a list
  bool positional = false;
  bool required = false;
  bool repeatable = false;
};

struct CommandModel {
  std::string path;  // "" for expt itself, "export bundle" for a nested command
  std::string name;
  std::string description;
  const CommandDoc* doc = nullptr;
  std::vector<OptionModel> options;
  std::vector<CommandModel> subcommands;
};

CommandModel describe_cli(const CLI::App& app);

// roff for man(1): expt.1, one section per command.
std::string render_man_page(const CommandModel& root);

// Scripts for the shells' completion systems: commands, nested commands, options and words.
std::string render_bash_completion(const CommandModel& root);
std::string render_zsh_completion(const CommandModel& root);

}  // namespace expt
