#include "core/process/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <cstring>
#include <thread>

extern char** environ;

namespace expt {

namespace {

using Clock = std::chrono::steady_clock;

int milliseconds_until(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<int64_t>(left, 1000));
}

// Writes all of `input` to `fd` before `deadline`; false when the reader went away or time ran out.
bool write_all(int fd, std::string_view input, Clock::time_point deadline) {
  while (!input.empty()) {
    pollfd p{fd, POLLOUT, 0};
    const int ready = ::poll(&p, 1, milliseconds_until(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;  // an error, or the deadline
    const ssize_t wrote = ::write(fd, input.data(), input.size());
    if (wrote < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (wrote < 0) return false;  // EPIPE: the child does not read; its status tells the rest
    input.remove_prefix(static_cast<size_t>(wrote));
  }
  return true;
}

// The child's wait status, waiting until `deadline`; nullopt when it is still running then.
std::optional<int> wait_until(pid_t pid, Clock::time_point deadline) {
  while (true) {
    int status = 0;
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return status;
    if (done < 0 && errno != EINTR) return -1;
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

ChildOutcome run_with_input(const std::string& command, std::string_view input, Clock::time_point deadline) {
  ChildOutcome outcome;
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    outcome.error = std::string("cannot make a pipe: ") + std::strerror(errno);
    return outcome;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[0], STDIN_FILENO);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, "/bin/sh", &actions, &attributes, const_cast<char* const*>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(pipe_fds[0]);
  if (spawned != 0) {
    ::close(pipe_fds[1]);
    outcome.error = std::string("cannot start /bin/sh: ") + std::strerror(spawned);
    return outcome;
  }
  outcome.started = true;

  // SIGPIPE blocked in this thread while writing; one raised meanwhile is taken off before the
  // mask is restored, so it never reaches the process.
  sigset_t pipe_signal, previous;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_signal, &previous);
  ::fcntl(pipe_fds[1], F_SETFL, O_NONBLOCK);
  write_all(pipe_fds[1], input, deadline);
  ::close(pipe_fds[1]);
  const timespec no_wait{0, 0};
  while (sigtimedwait(&pipe_signal, nullptr, &no_wait) == SIGPIPE) {
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);

  std::optional<int> status = wait_until(pid, deadline);
  if (!status) {
    outcome.timed_out = true;
    ::kill(-pid, SIGTERM);
    status = wait_until(pid, Clock::now() + std::chrono::seconds(5));
    if (!status) {
      ::kill(-pid, SIGKILL);
      status = wait_until(pid, Clock::now() + std::chrono::seconds(5));
    }
  }
  if (status && WIFEXITED(*status)) outcome.exit_status = WEXITSTATUS(*status);
  return outcome;
}

}  // namespace expt
