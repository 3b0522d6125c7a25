#pragma once
// `expt serve`: an HTTP server over a bundle folder (docs/serving.md). It serves bundles with
// strong ETags, composed diffs, a Server-Sent Events stream of new versions, remote evaluation,
// health and Prometheus metrics; it watches the folder and never writes to it.
//
// Each connection runs on its own thread (small stacks, created on demand, at most
// max_connections), since an open stream holds its thread while it waits for the next version.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/base/error.h"

namespace expt {

struct ServeOptions {
  std::string folder;
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (see BundleServer::port())
  std::chrono::milliseconds heartbeat{15000};        // a comment line on idle streams
  std::chrono::milliseconds stream_lifetime{300000}; // then the stream ends; clients reconnect
  std::chrono::milliseconds retry{3000};             // the SSE retry: clients wait this long to reconnect
  std::chrono::milliseconds rescan{5000};            // folder rescan, besides inotify
  size_t max_body_bytes = size_t{1} << 20;           // POST bodies; larger is 413
  size_t max_batch = 1000;                           // entities in one POST /v1/assign
  size_t max_connections = 4096;                     // open connections (streams included)
};

class BundleServer {
 public:
  explicit BundleServer(ServeOptions options);
  ~BundleServer();

  // Reads the folder and binds the port. Errors: the folder cannot be read, the port is taken.
  Result<void> start();
  // Serves until stop() (from any thread, e.g. a signal handler's thread).
  void run();
  // Closes every stream and stops accepting; run() then returns.
  void stop();
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace expt
