#include "commands/serve.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <ostream>
#include <thread>

#include "core/serve/bundle_server.h"

namespace expt {

namespace {

Result<ServeOptions> server_options(const ServeCommandOptions& o) {
  ServeOptions s;
  s.folder = o.bundles;
  std::error_code ec;
  if (!std::filesystem::is_directory(o.bundles, ec)) {
    return Error::invalid("--bundles '" + o.bundles + "' is not a folder; create it with `expt export bundle --output " +
                          o.bundles + "`");
  }
  const size_t colon = o.listen.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    auto [end, e] = std::from_chars(o.listen.data() + colon + 1, o.listen.data() + o.listen.size(), port);
    if (e != std::errc() || end != o.listen.data() + o.listen.size()) port = -1;
  }
  if (colon == std::string::npos || colon == 0 || port < 0 || port > 65535) {
    return Error::invalid("--listen must be HOST:PORT, e.g. 127.0.0.1:8080 (port 0: any free port), got '" + o.listen + "'");
  }
  s.host = o.listen.substr(0, colon);
  if (s.host.size() > 2 && s.host.front() == '[' && s.host.back() == ']') s.host = s.host.substr(1, s.host.size() - 2);
  s.port = port;
  auto ms = [](double seconds) { return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000)); };
  for (auto [value, name] : {std::pair{o.heartbeat_seconds, "--heartbeat"}, std::pair{o.stream_lifetime_seconds, "--stream-lifetime"},
                             std::pair{o.rescan_seconds, "--rescan"}}) {
    if (!(value > 0) || value > 86400) return Error::invalid(std::string(name) + " must be a number of seconds in (0, 86400]");
  }
  s.heartbeat = ms(o.heartbeat_seconds);
  s.stream_lifetime = ms(o.stream_lifetime_seconds);
  s.rescan = ms(o.rescan_seconds);
  return s;
}

}  // namespace

ExitCode run_serve(const ServeCommandOptions& options, Io& io) {
  auto settings = server_options(options);
  if (!settings) return report(io, settings.error());

  // SIGTERM and SIGINT go to one thread that stops the server; every thread started from here
  // on inherits the mask, so none is interrupted mid-write.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  BundleServer server(*settings);
  if (auto started = server.start(); !started) return report(io, started.error());
  io.out << "serving " << options.bundles << " on http://" << settings->host << ":" << server.port() << "\n"
         << std::flush;
  std::thread waiter([&server, signals] {
    int signal = 0;
    sigwait(&signals, &signal);
    server.stop();
  });
  server.run();
  // run() also returns when listening fails; wake the waiter if no signal did.
  kill(getpid(), SIGTERM);
  waiter.join();
  io.out << "stopped\n";
  return ExitCode::ok;
}

}  // namespace expt
