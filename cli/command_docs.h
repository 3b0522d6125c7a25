#pragma once
// What `expt help COMMAND`, the man page and docs/cli.md tell a user about each command beyond
// its flags: real examples and the exit codes that command can end with. Keyed by the command's
// path ("analyze", "export bundle"); the docs test parses every example with the real CLI.

#include <span>
#include <string>
#include <string_view>

namespace expt {

struct CommandExample {
  std::string_view command;  // a complete command line, starting with "expt "
  std::string_view what;     // what it does, one sentence
};

struct ExitMeaning {
  int code;
  std::string_view meaning;
};

struct CommandDoc {
  std::string_view path;
  std::span<const CommandExample> examples;
  std::span<const ExitMeaning> exit_codes;
};

// The exit codes every command shares, and the environment variables expt reads: one table
// each, rendered by `expt --help`'s footer and by the man page, and checked against docs/cli.md.
struct EnvironmentVariable {
  std::string_view name;
  std::string_view meaning;
};
std::span<const ExitMeaning> shared_exit_codes();
std::span<const EnvironmentVariable> environment_variables();

// Every documented command, in the order of `expt --help`.
std::span<const CommandDoc> command_docs();

// The doc of `path`, or nullptr.
const CommandDoc* find_command_doc(std::string_view path);

// The "Examples:" and "Exit codes:" text that ends the command's --help.
std::string help_footer_of(const CommandDoc& doc);

}  // namespace expt
