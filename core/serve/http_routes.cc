#include "core/serve/http_routes.h"

#include <charconv>
#include <random>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "core/serve/remote_assign.h"

namespace expt {

using nlohmann::json;

namespace {

constexpr const char* k_json = "application/json";
constexpr const char* k_immutable = "public, max-age=31536000, immutable";
constexpr const char* k_latest = "public, max-age=5, stale-while-revalidate=30, stale-if-error=86400";

void send_json(httplib::Response& res, const HttpAnswer& answer) {
  res.status = answer.status;
  res.set_content(answer.body.dump() + "\n", k_json);
}

std::optional<int64_t> version_of(const std::string& text) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 1) return std::nullopt;
  return v;
}

// A strong ETag is the content hash in quotes; If-None-Match may list several, or be "*".
std::string etag_of(const std::string& content_hash) { return "\"" + content_hash + "\""; }

bool matches_if_none_match(const httplib::Request& req, const std::string& etag) {
  if (!req.has_header("If-None-Match")) return false;
  const std::string value = req.get_header_value("If-None-Match");
  size_t start = 0;
  while (start <= value.size()) {
    size_t end = value.find(',', start);
    if (end == std::string::npos) end = value.size();
    std::string tag = value.substr(start, end - start);
    tag.erase(0, tag.find_first_not_of(' '));
    tag.erase(tag.find_last_not_of(' ') + 1);
    if (tag.starts_with("W/")) tag.erase(0, 2);
    if (tag == "*" || tag == etag) return true;
    start = end + 1;
  }
  return false;
}

void send_bundle(const RouteContext& c, const httplib::Request& req, httplib::Response& res, int64_t version,
                 const char* cache_control) {
  auto state = c.store.state();
  auto found = state->versions.find(version);
  if (found == state->versions.end()) {
    send_json(res, error_answer(404, "bundle version " + std::to_string(version) + " is not published"));
    return;
  }
  const std::string etag = etag_of(found->second.content_hash);
  res.set_header("ETag", etag);
  res.set_header("Cache-Control", cache_control);
  res.set_header("X-Expt-Bundle-Version", std::to_string(version));
  if (matches_if_none_match(req, etag)) {
    res.status = 304;
    return;
  }
  auto text = c.store.bundle_text(version);
  if (!text) {
    send_json(res, error_answer(500, text.error().message));
    return;
  }
  res.set_content(std::move(*text), k_json);
}

std::string endpoint_of(const std::string& path) {
  for (const char* prefix : {"/v1/bundle/", "/v1/diff/"}) {
    if (path.starts_with(prefix)) return std::string(prefix) + "{version}";
  }
  for (const char* known : {"/v1/bundle", "/v1/stream", "/v1/assign", "/healthz", "/metrics"}) {
    if (path == known) return known;
  }
  return "other";
}

// The stream of one client: its catch-up event, then one event per new version, heartbeats in
// between, until its lifetime (with up to 10% jitter, so reconnects spread out) or shutdown.
void stream(const RouteContext& c, const httplib::Request& req, httplib::Response& res) {
  if (static_cast<size_t>(c.metrics.streams.load()) >= c.options.max_connections) {
    res.set_header("Retry-After", "5");
    send_json(res, error_answer(503, "too many open streams; retry later"));
    return;
  }
  int64_t sent = 0;  // the version the client has
  if (req.has_header("Last-Event-ID")) sent = version_of(req.get_header_value("Last-Event-ID")).value_or(0);
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

}  // namespace

std::string bundle_event(int64_t version, const std::string& content_hash, int64_t since, const std::string* patch) {
  const int64_t from = since > 0 ? since : version - 1;
  json data{{"version", version},
            {"content_hash", content_hash},
            {"bundle_url", "/v1/bundle/" + std::to_string(version)},
            {"diff_url", from >= 1 ? json("/v1/diff/" + std::to_string(from) + "/" + std::to_string(version)) : json()}};
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
  return "id: " + std::to_string(version) + "\nevent: bundle\ndata: " + text + "\n\n";
}

void install_routes(httplib::Server& http, RouteContext c) {
  http.Get("/v1/bundle", [c](const httplib::Request& req, httplib::Response& res) {
    auto state = c.store.state();
    if (!state->latest) {
      send_json(res, error_answer(404, "no bundle is published in the folder yet"));
      return;
    }
    send_bundle(c, req, res, *state->latest, k_latest);
  });
  http.Get(R"(/v1/bundle/([^/]+))", [c](const httplib::Request& req, httplib::Response& res) {
    auto version = version_of(req.matches[1]);
    if (!version) {
      send_json(res, error_answer(404, "'" + std::string(req.matches[1]).substr(0, 40) + "' is not a bundle version"));
      return;
    }
    send_bundle(c, req, res, *version, k_immutable);
  });
  http.Get(R"(/v1/diff/([^/]+)/([^/]+))", [c](const httplib::Request& req, httplib::Response& res) {
    auto from = version_of(req.matches[1]);
    auto to = version_of(req.matches[2]);
    auto state = c.store.state();
    if (!to || !state->versions.contains(*to)) {
      send_json(res, error_answer(404, "bundle version " + std::string(req.matches[2]).substr(0, 40) + " is not published"));
      return;
    }
    ComposedDiff diff = from ? c.store.composed_diff(*from, *to) : ComposedDiff{std::nullopt, "unknown base version"};
    if (!diff.patch) {
      // Too old, unknown or a gap in the diffs: the full bundle, saying so.
      res.set_header("X-Expt-Diff", "full");
      res.set_header("X-Expt-Diff-Reason", diff.reason);
      send_bundle(c, req, res, *to, k_immutable);
      return;
    }
    res.set_header("X-Expt-Diff", "patch");
    res.set_header("Cache-Control", k_immutable);
    res.set_header("X-Expt-Bundle-Version", std::to_string(*to));
    res.set_content(std::move(*diff.patch), "application/json-patch+json");
  });
  http.Get("/v1/stream", [c](const httplib::Request& req, httplib::Response& res) { stream(c, req, res); });
  http.Post("/v1/assign", [c](const httplib::Request& req, httplib::Response& res) {
    send_json(res, remote_assign(c.store.state()->latest_snapshot, req.body, c.options.max_batch));
  });
  http.Get("/healthz", [c](const httplib::Request&, httplib::Response& res) {
    auto state = c.store.state();
    const double uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - c.started).count();
    json body{{"status", "ok"},
              {"version", state->latest ? json(*state->latest) : json()},
              {"uptime_seconds", uptime},
              {"streams", c.metrics.streams.load()},
              {"versions_available", state->versions.size()}};
    if (auto problem = c.store.last_problem(); !problem.empty()) body["last_problem"] = problem;
    send_json(res, HttpAnswer{200, body});
  });
  http.Get("/metrics", [c](const httplib::Request&, httplib::Response& res) {
    auto state = c.store.state();
    const double uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - c.started).count();
    res.set_content(c.metrics.prometheus_text(state->latest.value_or(0), uptime), "text/plain; version=0.0.4");
  });
  // Every other error (no route: 404, a body over the limit: 413, ...) as JSON too.
  http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string message = res.status == 413   ? "the request body is larger than the limit"
                          : res.status == 404 ? "no endpoint " + req.path.substr(0, 80) + " (see docs/serving.md)"
                                              : "request failed";
    res.set_content(json{{"error", message}, {"status", res.status}}.dump() + "\n", k_json);
  });
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    send_json(res, error_answer(500, "the request could not be served"));
  });
  http.set_logger([c](const httplib::Request& req, const httplib::Response& res) {
    c.metrics.count_request(endpoint_of(req.path), res.status);
  });
}

}  // namespace expt
