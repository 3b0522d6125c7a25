// expt's entry point: wires the process (streams, clock, actor) to the CLI and maps every
// failure to the documented exit codes. Holds no logic of its own.

#include <unistd.h>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/app.h"
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

// --color auto: colour a terminal unless NO_COLOR is set (no-color.org) or TERM is dumb.
// A terminal that can redraw and colour: a TTY whose TERM is not "dumb".
bool is_terminal(int fd) {
  const char* term = std::getenv("TERM");
  return isatty(fd) == 1 && !(term != nullptr && std::string_view(term) == "dumb");
}

bool use_color(expt::ColorChoice choice, int fd) {
  if (choice != expt::ColorChoice::automatic) return choice == expt::ColorChoice::always;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  return is_terminal(fd);
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
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
    io.color_out = use_color(context.color, STDOUT_FILENO);
    io.color_err = use_color(context.color, STDERR_FILENO);
    io.err_is_terminal = is_terminal(STDERR_FILENO);
    expt::ExitCode code = context.runner(io);
    std::cout.flush();
    return static_cast<int>(code);
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << "\n";
    return static_cast<int>(expt::ExitCode::bad_input);
  }
}
