#pragma once
// `expt serve`: an HTTP server over a bundle folder (docs/serving.md). It serves bundles with
// strong ETags, composed diffs, a Server-Sent Events stream of new versions, remote evaluation,
// health and Prometheus metrics; it watches the folder and never writes to it.
//
// Event-driven (Boost.Asio on epoll, Boost.Beast's parser): a few threads hold every connection,
// so an open stream costs a socket and a few hundred bytes, not a thread. Every size and count a
// client controls is bounded (HttpLimits), connections and streams are capped with a 503 beyond,
// and a few reserved slots keep /healthz and /metrics reachable at the cap.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/base/error.h"
#include "core/serve/http_limits.h"

namespace expt {

struct ServeOptions {
  std::string folder;
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (see BundleServer::port())
  std::chrono::milliseconds heartbeat{15000};        // a comment line on idle streams (finds dead peers)
  std::chrono::milliseconds stream_lifetime{60000};  // less up to 10% at random; then clients reconnect
  std::chrono::milliseconds retry{3000};             // the SSE retry: clients wait this long to reconnect
  std::chrono::milliseconds rescan{5000};            // folder rescan, besides inotify
  HttpLimits limits;
  size_t max_batch = 1000;             // entities in one POST /v1/assign
  size_t max_connections = 50000;      // open connections, streams included (lowered to what the fd limit allows)
  size_t max_streams = 40000;          // open event streams (at most max_connections)
  size_t reserved_connections = 16;    // beyond max_connections, for /healthz and /metrics only
  std::chrono::milliseconds shutdown_deadline{2000};  // stop(): requests still running are cut after it
  unsigned threads = 0;                // 0: one per core
  // One line for each thing an operator should see (capacity at start, refused connections, a
  // folder that cannot be read); null: silent. Called from the server's threads.
  std::function<void(const std::string&)> log;
};

class BundleServer {
 public:
  explicit BundleServer(ServeOptions options);
  ~BundleServer();

  // Raises the soft fd limit to the hard one, reads the folder and binds the port. Errors: the
  // folder cannot be read, the port is taken, the options contradict each other.
  Result<void> start();
  // Serves until stop() (from any thread, e.g. a signal handler's thread).
  void run();
  // Stops accepting, ends every stream with a final `shutdown` event, closes idle connections,
  // and cuts requests still running after shutdown_deadline; run() then returns.
  void stop();
  int port() const;
  // The caps in force after start(): max_connections and max_streams as the fd limit allows.
  size_t max_connections() const;
  size_t max_streams() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace expt
