#include "core/serve/http_routes.h"

#include <random>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "core/assign/bundle_protocol.h"
#include "core/serve/remote_assign.h"

namespace expt {

using nlohmann::json;

namespace {

constexpr const char* k_json = "application/json";
constexpr const char* k_immutable = "public, max-age=31536000, immutable";
constexpr const char* k_latest = "public, max-age=5, stale-while-revalidate=30, stale-if-error=86400";

HttpResponse json_answer(const HttpAnswer& answer) {
  return HttpResponse{answer.status, k_json, {}, answer.body.dump() + "\n"};
}

std::string first_chars(std::string_view text, size_t n) { return std::string(text.substr(0, n)); }

// The path's segments: "/v1/diff/3/4" -> {"v1", "diff", "3", "4"}. An empty segment ("//", a
// trailing "/") is kept, so such paths match no route.
std::vector<std::string_view> segments_of(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path.front() != '/') return out;
  path.remove_prefix(1);
  while (true) {
    const size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

HttpResponse bundle_answer(const RouteContext& c, const HttpRequest& req, int64_t version, const char* cache_control) {
  auto state = c.store.state();
  auto found = state->versions.find(version);
  if (found == state->versions.end()) {
    return json_answer(error_answer(404, "bundle version " + std::to_string(version) + " is not published"));
  }
  HttpResponse res;
  const std::string etag = etag_of(found->second.content_hash);
  res.headers = {{"ETag", etag}, {"Cache-Control", cache_control}, {std::string(k_version_header), std::to_string(version)}};
  if (auto condition = req.header("If-None-Match"); condition && if_none_match_matches(*condition, etag)) {
    res.status = 304;
    return res;
  }
  auto text = c.store.bundle_text(version);
  if (!text) {
    HttpResponse failed = json_answer(error_answer(500, text.error().message));
    return failed;
  }
  res.content_type = k_json;
  res.body = std::move(*text);
  return res;
}

HttpResponse diff_answer(const RouteContext& c, const HttpRequest& req, std::string_view from_text, std::string_view to_text) {
  auto from = parse_bundle_version(from_text);
  auto to = parse_bundle_version(to_text);
  auto state = c.store.state();
  if (!to || !state->versions.contains(*to)) {
    return json_answer(error_answer(404, "bundle version " + first_chars(to_text, 40) + " is not published"));
  }
  ComposedDiff diff = from ? c.store.composed_diff(*from, *to) : ComposedDiff{std::nullopt, "unknown base version"};
  if (!diff.patch) {
    // Too old, unknown or a gap in the diffs: the full bundle, saying so.
    HttpResponse res = bundle_answer(c, req, *to, k_immutable);
    res.headers.emplace_back(std::string(k_diff_header), "full");
    res.headers.emplace_back(std::string(k_diff_reason_header), diff.reason);
    return res;
  }
  return HttpResponse{200,
                      "application/json-patch+json",
                      {{std::string(k_diff_header), "patch"},
                       {"Cache-Control", k_immutable},
                       {std::string(k_version_header), std::to_string(*to)}},
                      std::move(*diff.patch)};
}

HttpResponse health_answer(const RouteContext& c) {
  auto state = c.store.state();
  const double uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - c.started).count();
  json body{{"status", "ok"},
            {"version", state->latest ? json(*state->latest) : json()},
            {"uptime_seconds", uptime},
            {"streams", c.metrics.streams.load()},
            {"versions_available", state->versions.size()}};
  if (auto problem = c.store.last_problem(); !problem.empty()) body["last_problem"] = problem;
  // Degraded: a newer verified bundle is in the folder than the one served (latest.json is
  // damaged or missing). Serving an older version answers 200; serving none, 503.
  int status = 200;
  if (!state->versions.empty()) {
    const int64_t newest = state->versions.rbegin()->first;
    if (!state->latest || newest > *state->latest) {
      body["status"] = "degraded";
      body["newest_in_folder"] = newest;
      body["reason"] = state->latest ? "a newer bundle than the one served is in the folder; latest.json does not name it"
                                     : "bundles are in the folder but latest.json names none that verifies";
      if (!state->latest) status = 503;
    }
  }
  return json_answer(HttpAnswer{status, body});
}

HttpResponse metrics_answer(const RouteContext& c) {
  auto state = c.store.state();
  const double uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - c.started).count();
  return HttpResponse{200, "text/plain; version=0.0.4", {}, c.metrics.prometheus_text(state->latest.value_or(0), uptime)};
}

HttpResponse not_found(std::string_view path) {
  return json_answer(error_answer(404, "no endpoint " + first_chars(path, 80) + " (see docs/serving.md)"));
}

// The stream of one client: its catch-up event, then one event per new version, heartbeats in
// between, until its lifetime (with up to 10% jitter, so reconnects spread out) or shutdown.
void stream(const RouteContext& c, const httplib::Request& req, httplib::Response& res) {
  if (static_cast<size_t>(c.metrics.streams.load()) >= c.options.max_connections) {
    res.set_header("Retry-After", "5");
    const HttpResponse busy = json_answer(error_answer(503, "too many open streams; retry later"));
    res.status = busy.status;
    res.set_content(busy.body, k_json);
    return;
  }
  int64_t sent = 0;  // the version the client has
  if (req.has_header("Last-Event-ID")) sent = parse_bundle_version(req.get_header_value("Last-Event-ID")).value_or(0);
  static thread_local std::mt19937_64 random{std::random_device{}()};
  const auto lifetime = c.options.stream_lifetime -
                        std::chrono::milliseconds(std::uniform_int_distribution<int64_t>(
                            0, c.options.stream_lifetime.count() / 10)(random));
  const auto ends = std::chrono::steady_clock::now() + lifetime;
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");  // nginx in front must not buffer the stream
  c.metrics.streams += 1;
  c.metrics.streams_total += 1;
  struct Progress {
    bool opened = false;
  };
  auto progress = std::make_shared<Progress>();
  res.set_chunked_content_provider(
      "text/event-stream",
      [c, sent, ends, progress](size_t, httplib::DataSink& sink) mutable {
        std::string out;
        if (!progress->opened) {
          progress->opened = true;
          out = "retry: " + std::to_string(c.options.retry.count()) + "\n\n";
        }
        int64_t version = c.feed.current();
        if (version <= sent && out.empty()) {
          // Nothing to send: wait for a newer version, the heartbeat, or the end.
          const auto now = std::chrono::steady_clock::now();
          if (now >= ends || c.feed.closed()) {
            sink.done();
            return true;
          }
          version = c.feed.wait_newer(sent, std::min(ends, now + c.options.heartbeat));
        }
        if (version > sent) {
          auto state = c.store.state();
          auto found = state->versions.find(version);
          const std::string hash = found == state->versions.end() ? "" : found->second.content_hash;
          ComposedDiff diff = sent > 0 ? c.store.composed_diff(sent, version) : ComposedDiff{};
          const bool inline_patch = diff.patch && diff.patch->size() <= k_inline_patch_bytes;
          out += bundle_event(version, hash, sent, inline_patch ? &*diff.patch : nullptr);
          sent = version;
          c.metrics.events_sent += 1;
        } else if (out.empty()) {
          if (c.feed.closed() || std::chrono::steady_clock::now() >= ends) {
            sink.done();
            return true;
          }
          out = ": heartbeat\n\n";
        }
        return sink.write(out.data(), out.size());  // false: the client left
      },
      [c](bool) { c.metrics.streams -= 1; });
}

void send(const HttpResponse& answer, httplib::Response& res) {
  res.status = answer.status;
  for (const auto& [name, value] : answer.headers) res.set_header(name, value);
  if (!answer.content_type.empty()) res.set_content(answer.body, answer.content_type.c_str());
}

}  // namespace

std::optional<std::string> HttpRequest::header(std::string_view name) const {
  auto same = [](std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
    }
    return true;
  };
  for (const auto& [n, v] : headers) {
    if (same(n, name)) return v;
  }
  return std::nullopt;
}

HttpResponse handle_request(const RouteContext& c, const HttpRequest& req) {
  const std::vector<std::string_view> s = segments_of(req.path);
  const bool get = req.method == "GET" || req.method == "HEAD";
  auto only = [&](bool allowed, auto&& answer) -> HttpResponse {
    if (!allowed) {
      HttpResponse res = json_answer(error_answer(405, "method " + first_chars(req.method, 16) + " is not allowed on " +
                                                           first_chars(req.path, 80)));
      res.headers.emplace_back("Allow", req.path == k_assign_path ? "POST" : "GET, HEAD");
      return res;
    }
    return answer();
  };
  if (s.size() == 2 && s[0] == "v1" && s[1] == "bundle") {
    return only(get, [&] {
      auto state = c.store.state();
      if (!state->latest) return json_answer(error_answer(404, "no bundle is published in the folder yet"));
      return bundle_answer(c, req, *state->latest, k_latest);
    });
  }
  if (s.size() == 3 && s[0] == "v1" && s[1] == "bundle") {
    return only(get, [&] {
      auto version = parse_bundle_version(s[2]);
      if (!version) return json_answer(error_answer(404, "'" + first_chars(s[2], 40) + "' is not a bundle version"));
      return bundle_answer(c, req, *version, k_immutable);
    });
  }
  if (s.size() == 4 && s[0] == "v1" && s[1] == "diff") {
    return only(get, [&] { return diff_answer(c, req, s[2], s[3]); });
  }
  if (req.path == k_assign_path) {
    return only(req.method == "POST", [&] {
      return json_answer(remote_assign(c.store.state()->latest_snapshot, req.body, c.options.max_batch));
    });
  }
  if (req.path == k_health_path) return only(get, [&] { return health_answer(c); });
  if (req.path == k_metrics_path) return only(get, [&] { return metrics_answer(c); });
  return not_found(req.path);
}

std::string endpoint_of(std::string_view path) {
  const std::vector<std::string_view> s = segments_of(path);
  if (s.size() == 3 && s[0] == "v1" && s[1] == "bundle") return "/v1/bundle/{version}";
  if (s.size() == 4 && s[0] == "v1" && s[1] == "diff") return "/v1/diff/{version}";
  for (std::string_view known : {k_latest_bundle_path, k_stream_path, k_assign_path, k_health_path, k_metrics_path}) {
    if (path == known) return std::string(known);
  }
  return "other";
}

std::string bundle_event(int64_t version, const std::string& content_hash, int64_t since, const std::string* patch) {
  const int64_t from = since > 0 ? since : version - 1;
  json data{{"version", version},
            {"content_hash", content_hash},
            {"bundle_url", bundle_path(version)},
            {"diff_url", from >= 1 ? json(diff_path(from, version)) : json()}};
  std::string text = data.dump();
  if (patch != nullptr) {
    // The published patch is canonical one-line JSON: spliced in as is, without its newline.
    std::string_view body(*patch);
    while (!body.empty() && body.back() == '\n') body.remove_suffix(1);
    text.pop_back();
    text += ",\"patch\":";
    text += body;
    text += ",\"patch_from\":" + std::to_string(since) + "}";
  }
  return "id: " + std::to_string(version) + "\nevent: " + std::string(k_bundle_event) + "\ndata: " + text + "\n\n";
}

void install_routes(httplib::Server& http, RouteContext c) {
  auto handler = [c](const httplib::Request& req, httplib::Response& res) {
    HttpRequest request{req.method, req.path, {req.headers.begin(), req.headers.end()}, req.body};
    send(handle_request(c, request), res);
  };
  // cpp-httplib matches these patterns before the handler routes on segments.
  for (const char* pattern : {"/v1/bundle", R"(/v1/bundle/[^/]+)", R"(/v1/diff/[^/]+/[^/]+)", "/healthz", "/metrics"}) {
    http.Get(pattern, handler);
  }
  http.Post(std::string(k_assign_path), handler);
  http.Get(std::string(k_stream_path), [c](const httplib::Request& req, httplib::Response& res) { stream(c, req, res); });
  // Every other error (no route: 404, a body over the limit: 413, ...) as JSON too.
  http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string message = res.status == 413   ? "the request body is larger than the limit"
                          : res.status == 404 ? "no endpoint " + req.path.substr(0, 80) + " (see docs/serving.md)"
                                              : "request failed";
    res.set_content(json{{"error", message}, {"status", res.status}}.dump() + "\n", k_json);
  });
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    const HttpResponse failed = json_answer(error_answer(500, "the request could not be served"));
    res.status = failed.status;
    res.set_content(failed.body, k_json);
  });
  http.set_logger([c](const httplib::Request& req, const httplib::Response& res) {
    c.metrics.count_request(endpoint_of(req.path), res.status);
  });
}

}  // namespace expt
