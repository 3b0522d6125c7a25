// expt's entry point: wires the process (streams, clock, actor, environment) to the CLI and maps
// every failure to the documented exit codes. The only place that reads the environment; holds
// no logic of its own.

#include <unistd.h>

#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/app.h"
#include "core/base/clock.h"
#include "core/base/timestamp.h"
#include "core/process/environment.h"

namespace {

std::string actor_of(const expt::Environment& environment) {
  if (!environment.actor.empty()) return environment.actor;
  if (!environment.login.empty()) return environment.login;
  return "unknown";
}

// A terminal that can redraw and colour: a TTY whose TERM is not "dumb".
bool is_terminal(int fd, const expt::Environment& environment) { return isatty(fd) == 1 && environment.term != "dumb"; }

// --color auto: colour a terminal unless NO_COLOR is set (no-color.org) or TERM is dumb.
bool use_color(expt::ColorChoice choice, int fd, const expt::Environment& environment) {
  if (choice != expt::ColorChoice::automatic) return choice == expt::ColorChoice::always;
  if (!environment.no_color.empty()) return false;
  return is_terminal(fd, environment);
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  try {
    const expt::Environment environment = expt::Environment::of_process();
    expt::CliContext context;
    if (!environment.registry.empty()) context.registry.path = environment.registry;
    if (auto ended = expt::parse_command_line(context, argc, argv)) return *ended;

    std::unique_ptr<expt::Clock> clock;
    if (!environment.now.empty()) {
      auto ms = expt::parse_timestamp_ms(environment.now);
      if (!ms) {
        std::cerr << "error: EXPT_NOW='" << environment.now << "' is not an ISO-8601 time or epoch seconds\n";
        return static_cast<int>(expt::ExitCode::bad_input);
      }
      clock = std::make_unique<expt::FixedClock>(*ms);
    } else {
      clock = std::make_unique<expt::SystemClock>();
    }
    expt::Io io{std::cin, std::cout, std::cerr, *clock, actor_of(environment), environment};
    io.color_out = use_color(context.color, STDOUT_FILENO, environment);
    io.color_err = use_color(context.color, STDERR_FILENO, environment);
    io.err_is_terminal = is_terminal(STDERR_FILENO, environment);
    expt::ExitCode code = context.runner(io);
    std::cout.flush();
    return static_cast<int>(code);
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << "\n";
    return static_cast<int>(expt::ExitCode::bad_input);
  }
}
