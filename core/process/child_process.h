#pragma once
// Runs a shell command for a notification: `command` through /bin/sh -c, with `input` on its
// standard input, within a deadline. The child gets its own process group, so a command that
// outlives the deadline is stopped with everything it started (SIGTERM, then SIGKILL 5 s later).
// A child that exits without reading its input costs the caller no SIGPIPE: the signal is blocked
// in the calling thread only while writing, and the broken pipe shows in the exit status.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace expt {

struct ChildOutcome {
  bool started = false;    // false: no process could be made (the reason is in `error`)
  bool timed_out = false;  // the deadline passed and the child was killed
  int exit_status = -1;    // its exit code when it exited; -1 when killed by a signal
  std::string error;
  bool succeeded() const { return started && !timed_out && exit_status == 0; }
};

ChildOutcome run_with_input(const std::string& command, std::string_view input,
                            std::chrono::steady_clock::time_point deadline);

}  // namespace expt
