#include "commands/serve.h"

#include <charconv>
#include <filesystem>
#include <mutex>
#include <ostream>

#include "commands/common/stop_signals.h"
#include "core/base/clock.h"
#include "core/base/timestamp.h"
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
                             std::pair{o.rescan_seconds, "--rescan"}, std::pair{o.shutdown_seconds, "--shutdown-deadline"},
                             std::pair{o.read_timeout_seconds, "--read-timeout"}, std::pair{o.idle_timeout_seconds, "--idle-timeout"}}) {
    if (!(value > 0) || value > 86400) return Error::invalid(std::string(name) + " must be a number of seconds in (0, 86400]");
  }
  s.heartbeat = ms(o.heartbeat_seconds);
  s.stream_lifetime = ms(o.stream_lifetime_seconds);
  s.rescan = ms(o.rescan_seconds);
  s.shutdown_deadline = ms(o.shutdown_seconds);
  s.limits.read_timeout = ms(o.read_timeout_seconds);
  s.limits.idle_timeout = ms(o.idle_timeout_seconds);
  s.max_connections = o.max_connections;
  s.max_streams = o.max_streams;
  s.threads = o.threads;
  return s;
}

}  // namespace

ExitCode run_serve(const ServeCommandOptions& options, Io& io) {
  auto settings = server_options(options);
  if (!settings) return report(io, settings.error());

  // The server's threads log; one line at a time, stamped, on stderr.
  auto log_mutex = std::make_shared<std::mutex>();
  settings->log = [&io, log_mutex](const std::string& line) {
    std::lock_guard<std::mutex> lock(*log_mutex);
    io.err << "serve: " << format_utc(SystemClock().now_ms()) << " " << line << "\n" << std::flush;
  };
  BundleServer server(*settings);
  // After the server (destroyed before it, so its stop never outlives it) and before start(),
  // whose threads inherit the mask.
  StopSignals signals;
  if (auto started = server.start(); !started) return report(io, started.error());
  io.out << "serving " << options.bundles << " on http://" << settings->host << ":" << server.port() << "\n"
         << std::flush;
  signals.start([&server] { server.stop(); });
  server.run();
  io.out << "stopped\n";
  return ExitCode::ok;
}

}  // namespace expt
