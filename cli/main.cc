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

// --format json asks for machine-readable output, errors included.
bool json_requested(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view word = argv[i];
    if (word == "--format=json" || (word == "--format" && i + 1 < argc && std::string_view(argv[i + 1]) == "json")) return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  try {
    const expt::Environment environment = expt::Environment::of_process();
    expt::CliContext context;
    if (!environment.registry.empty()) context.registry.path = environment.registry;
    const bool json = json_requested(argc, argv);
    if (auto ended = expt::parse_command_line(context, argc, argv)) {
      if (*ended == static_cast<int>(expt::ExitCode::bad_input) && json) {
        std::cout << expt::error_json({}, context.usage_error).dump(2) << "\n";
      }
      return *ended;
    }

    std::unique_ptr<expt::Clock> clock;
    if (!environment.now.empty()) {
      auto ms = expt::parse_timestamp_ms(environment.now);
      if (!ms) {
        const std::string message = "EXPT_NOW='" + environment.now + "' is not an ISO-8601 time or epoch seconds";
        std::cerr << "error: " << message << "\n";
        if (json) std::cout << expt::error_json({}, message).dump(2) << "\n";
        return static_cast<int>(expt::ExitCode::bad_input);
      }
      clock = std::make_unique<expt::FixedClock>(*ms);
    } else {
      clock = std::make_unique<expt::SystemClock>();
    }
    expt::Io io{std::cin, std::cout, std::cerr, *clock, actor_of(environment), environment, false, false, false, {}};
    io.color_out = use_color(context.color, STDOUT_FILENO, environment);
    io.color_err = use_color(context.color, STDERR_FILENO, environment);
    io.err_is_terminal = is_terminal(STDERR_FILENO, environment);
    expt::ExitCode code = context.runner(io);
    if (code == expt::ExitCode::bad_input && json) std::cout << expt::error_json(io.reported).dump(2) << "\n";
    std::cout.flush();
    return static_cast<int>(code);
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << "\n";
    return static_cast<int>(expt::ExitCode::bad_input);
  }
}
