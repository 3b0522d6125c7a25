// expt's entry point: wires the process (streams, clock, actor, environment) to the CLI and maps
// every failure to the documented exit codes. The only place that reads the environment; holds
// no logic of its own.

#include <signal.h>
#include <unistd.h>

#include <exception>
#include <initializer_list>
#include <iostream>
#include <string>
#include <vector>

#include "cli/app.h"
#include "core/base/atomic_file.h"
#include "core/base/clock.h"
#include "core/base/timestamp.h"
#include "core/process/environment.h"
#include "core/registry/identity.h"
#include "core/process/fd_output_buffer.h"

namespace {

struct Actor {
  std::string name;  // normalised
  bool asserted = false;  // named by EXPT_ACTOR, someone other than the OS account
};

// Who the registry records: EXPT_ACTOR if set (refused when it cannot be normalised), else the
// OS account. Both normalised, so "Alice " and "alice" are one person.
expt::Result<Actor> actor_of(const expt::Environment& environment) {
  const std::string account = expt::identity_key(environment.os_user);
  if (environment.actor.empty()) return Actor{account, false};
  auto named = expt::normalize_identity(environment.actor, "EXPT_ACTOR");
  if (!named) return std::move(named).error();
  return Actor{*named, *named != account};
}

// A terminal that can redraw and colour: a TTY whose TERM is not "dumb".
bool is_terminal(int fd, const expt::Environment& environment) { return isatty(fd) == 1 && environment.term != "dumb"; }

// --color auto: colour a terminal unless NO_COLOR is set (no-color.org) or TERM is dumb.
bool use_color(expt::ColorChoice choice, int fd, const expt::Environment& environment) {
  if (choice != expt::ColorChoice::automatic) return choice == expt::ColorChoice::always;
  if (!environment.no_color.empty()) return false;
  return is_terminal(fd, environment);
}

// An interrupted command leaves no partial file behind: the temporary files of atomic writes go,
// then the signal does what it would have done.
void on_fatal_signal(int signal) {
  expt::remove_partial_files_on_signal();
  ::signal(signal, SIG_DFL);
  ::raise(signal);
}

void remove_partial_files_on(std::initializer_list<int> signals) {
  struct sigaction action {};
  action.sa_handler = on_fatal_signal;
  sigemptyset(&action.sa_mask);
  for (int s : signals) ::sigaction(s, &action, nullptr);
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

// Every byte of the output reached its destination, or the run failed: a full disk or a closed
// file must not end a cron job's command with exit 0 and half its output. Returns `code`, unless stdout lost some of what was written to it: then exit 2, saying why (once; a
// command that failed with exit 2 has said why already).
int with_stdout_written(int code, const expt::FdOutputBuffer& buffer) {
  std::cout.flush();
  if (std::cout && buffer.error() == 0) return code;
  const int bad_input = static_cast<int>(expt::ExitCode::bad_input);
  if (code == bad_input) return code;
  const int error = buffer.error();
  std::cerr << "error: " << expt::stdout_write_failure(error) << "; the output is incomplete\n";
  return bad_input;
}

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  // stdout through a buffer that keeps the errno of a failed write, for the message below.
  static expt::FdOutputBuffer stdout_buffer(STDOUT_FILENO);
  std::cout.rdbuf(&stdout_buffer);
  remove_partial_files_on({SIGINT, SIGTERM, SIGHUP});
  try {
    const expt::Environment environment = expt::Environment::of_process();
    expt::CliContext context;
    if (!environment.registry.empty()) context.registry.path = environment.registry;
    const bool json = json_requested(argc, argv);
    if (auto ended = expt::parse_command_line(context, argc, argv)) {
      if (*ended == static_cast<int>(expt::ExitCode::bad_input) && json) {
        std::cout << expt::error_json({}, context.usage_error).dump(2) << "\n";
      }
      return with_stdout_written(*ended, stdout_buffer);
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
    auto actor = actor_of(environment);
    if (!actor) {
      std::cerr << "error: " << actor.error().message << "\n";
      if (json) std::cout << expt::error_json({}, actor.error().message).dump(2) << "\n";
      return with_stdout_written(static_cast<int>(expt::ExitCode::bad_input), stdout_buffer);
    }
    expt::Io io{std::cin, std::cout, std::cerr, *clock, actor->name, environment, false, false, false, {}};
    io.actor_asserted = actor->asserted;
    io.color_out = use_color(context.color, STDOUT_FILENO, environment);
    io.color_err = use_color(context.color, STDERR_FILENO, environment);
    io.err_is_terminal = is_terminal(STDERR_FILENO, environment);
    expt::ExitCode code = context.runner(io);
    if (code == expt::ExitCode::bad_input && json) std::cout << expt::error_json(io.reported).dump(2) << "\n";
    return with_stdout_written(static_cast<int>(code), stdout_buffer);
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << "\n";
    return static_cast<int>(expt::ExitCode::bad_input);
  }
}
