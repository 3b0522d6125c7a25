#pragma once
// The one table of subcommands: name, one-line summary, and the function that binds its
// flags into the command's options struct. It drives --help, the docs test and the
// "did you mean" hint.

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/common/command.h"
#include "commands/common/registry_access.h"

// CLI11 is a heavy header-only library: only cli/app.cc and cli/subcommand_table.cc include it, so these stay declared.
namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace expt {

// Set by the chosen subcommand's callback; main runs it after parsing succeeds.
using CommandRunner = std::function<ExitCode(Io&)>;

// What parsing fills in: the chosen command, and the flags shared by all of them.
struct CliContext {
  CommandRunner runner;
  RegistryOptions registry;  // --registry, accepted before or after the subcommand; preset from EXPT_REGISTRY
  std::vector<CLI::Option*> registry_flags;  // to tell an explicit --registry from the default
  ColorChoice color = ColorChoice::automatic;
  // `expt help` and `expt completion` print from the app itself, before it is gone.
  bool help_requested = false;
  std::vector<std::string> help_topic;
  bool help_man = false;
  std::string completion_shell;
  std::string command_line;  // as typed, for provenance in reports
  std::string usage_error;   // what a failed parse said, for --format json
  bool registry_given() const;
};

struct SubcommandEntry {
  std::string_view name;
  std::string_view group;  // the heading it is listed under in `expt help`
  std::string_view summary;
  std::function<void(CLI::App&, CliContext&)> setup;
};

std::span<const SubcommandEntry> subcommand_table();

// The whole CLI: every subcommand from the table wired to `context` (which must outlive it).
std::unique_ptr<CLI::App> build_app(CliContext& context);

// Parses `argv` with the app of build_app(). Either `context.runner` is set and nullopt returned,
// or parsing ended the process's work (--help, --version, a usage error) and the exit code is
// returned, the message already written to stdout or stderr.
std::optional<int> parse_command_line(CliContext& context, int argc, char** argv);

// The footer of `expt --help`: exit codes and environment variables.
std::string_view help_footer();

}  // namespace expt
