#pragma once
// The endpoints of `expt serve` (docs/serving.md). Every endpoint but the event stream is a pure
// function from a parsed request to a response (handle_request), routed on the path's segments,
// so it is tested and fuzzed without sockets; the connection (connection.h) runs the stream.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/serve/bundle_server.h"
#include "core/serve/bundle_store.h"
#include "core/serve/http_message.h"
#include "core/serve/server_metrics.h"

namespace expt {

struct RouteContext {
  const ServeOptions& options;
  BundleStore& store;
  ServerMetrics& metrics;
  std::chrono::steady_clock::time_point started;
};

// The answer to a request for any endpoint but the stream (GET /v1/stream): bundles, diffs,
// remote assignment, health, metrics, and JSON errors for everything else (400 for a version that
// is not a canonical integer, 404, 405).
HttpResponse handle_request(const RouteContext& context, const HttpRequest& request);

// The endpoint a path counts under in /metrics: "/v1/bundle/{version}", "/healthz", "other".
std::string endpoint_of(std::string_view path);

// The SSE text of one event announcing `version`, for a client that has `since` (0: nothing):
// "id: V\nevent: bundle\ndata: {...}\n\n" with the version, its hash, the URLs to fetch, and,
// when given, the composed patch from `since` inline (so a client needs no request at all).
std::string bundle_event(int64_t version, const std::string& content_hash, int64_t since,
                         const std::string* patch = nullptr);

// Patches up to this size travel inside the event; larger ones are fetched from diff_url.
inline constexpr size_t k_inline_patch_bytes = 64 * 1024;

}  // namespace expt
