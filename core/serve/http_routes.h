#pragma once
// The endpoints of `expt serve` (docs/serving.md), bound onto a cpp-httplib server.

#include <chrono>

#include "core/serve/bundle_server.h"
#include "core/serve/bundle_store.h"
#include "core/serve/server_metrics.h"
#include "core/serve/version_feed.h"

namespace httplib {
class Server;
}

namespace expt {

struct RouteContext {
  const ServeOptions& options;
  BundleStore& store;
  VersionFeed& feed;
  ServerMetrics& metrics;
  std::chrono::steady_clock::time_point started;
};

void install_routes(httplib::Server& http, RouteContext context);

// The SSE text of one event announcing `version`, for a client that has `since` (0: nothing):
// "id: V\nevent: bundle\ndata: {...}\n\n" with the version, its hash, the URLs to fetch, and,
// when given, the composed patch from `since` inline (so a client needs no request at all).
std::string bundle_event(int64_t version, const std::string& content_hash, int64_t since,
                         const std::string* patch = nullptr);

// Patches up to this size travel inside the event; larger ones are fetched from diff_url.
inline constexpr size_t k_inline_patch_bytes = 64 * 1024;

}  // namespace expt
