#pragma once
// What every connection of `expt serve` shares: the options, the folder's store, the metrics,
// the version streams announce, the open connections, and whether the server is stopping.

#include <atomic>
#include <chrono>
#include <cstdint>

#include "core/serve/bundle_server.h"
#include "core/serve/bundle_store.h"
#include "core/serve/connection_set.h"
#include "core/serve/http_routes.h"
#include "core/serve/server_metrics.h"

namespace expt {

struct ServerState {
  explicit ServerState(ServeOptions o) : options(std::move(o)), store(options.folder) {}

  RouteContext routes() { return RouteContext{options, store, metrics, started}; }

  ServeOptions options;  // max_connections and max_streams as the fd limit allows (BundleServer::start)
  BundleStore store;
  ServerMetrics metrics;
  const std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::atomic<int64_t> version{0};  // the version streams announce; only grows
  std::atomic<bool> stopping{false};
  ConnectionSet connections;
};

}  // namespace expt
