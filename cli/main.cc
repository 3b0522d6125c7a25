// expt's entry point: wires the process (streams, clock, actor) to the CLI and maps every
// failure to the documented exit codes. Holds no logic of its own.

#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/app.h"
#include "core/base/edit_distance.h"
#include "core/base/clock.h"
#include "core/base/timestamp.h"

namespace {

std::string actor_from_environment() {
  for (const char* name : {"EXPT_ACTOR", "USER", "LOGNAME"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') return value;
  }
  return "unknown";
}

// "unknown command 'alocate', did you mean 'allocate'?" before CLI11's generic message.
bool report_unknown_subcommand(int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return false;
  std::string word = argv[1];
  std::vector<std::string_view> names;
  for (const expt::SubcommandEntry& e : expt::subcommand_table()) {
    if (e.name == word) return false;
    names.push_back(e.name);
  }
  std::string match = expt::closest_match(word, names);
  std::cerr << "error: unknown command '" << word << "'";
  if (!match.empty()) std::cerr << ", did you mean '" << match << "'?";
  std::cerr << "\nrun `expt --help` for the list of commands\n";
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  if (report_unknown_subcommand(argc, argv)) return static_cast<int>(expt::ExitCode::bad_input);
  try {
    expt::CliContext context;
    if (const char* registry = std::getenv("EXPT_REGISTRY"); registry != nullptr && *registry != '\0') {
      context.registry.path = registry;
    }
    if (auto ended = expt::parse_command_line(context, argc, argv)) return *ended;

    const char* now = std::getenv("EXPT_NOW");
    std::unique_ptr<expt::Clock> clock;
    if (now != nullptr && *now != '\0') {
      auto ms = expt::parse_timestamp_ms(now);
      if (!ms) {
        std::cerr << "error: EXPT_NOW='" << now << "' is not an ISO-8601 time or epoch seconds\n";
        return static_cast<int>(expt::ExitCode::bad_input);
      }
      clock = std::make_unique<expt::FixedClock>(*ms);
    } else {
      clock = std::make_unique<expt::SystemClock>();
    }
    expt::Io io{std::cin, std::cout, std::cerr, *clock, actor_from_environment()};
    expt::ExitCode code = context.runner(io);
    std::cout.flush();
    return static_cast<int>(code);
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << "\n";
    return static_cast<int>(expt::ExitCode::bad_input);
  }
}
