#include "core/serve/http_routes.h"

#include <nlohmann/json.hpp>

#include "core/assign/bundle_protocol.h"
#include "core/serve/remote_assign.h"

namespace expt {

using nlohmann::json;

namespace {

constexpr const char* k_json = "application/json";
constexpr const char* k_immutable = "public, max-age=31536000, immutable";
constexpr const char* k_latest = "public, max-age=5, stale-while-revalidate=30, stale-if-error=86400";

// Text from a request (a path, an entity id) may be any bytes: invalid UTF-8 is replaced, never
// thrown.
HttpResponse json_answer(HttpAnswer answer) {
  if (!answer.text.empty()) return HttpResponse{answer.status, k_json, {}, std::move(answer.text)};
  return HttpResponse{answer.status, k_json, {}, answer.body.dump(-1, ' ', false, json::error_handler_t::replace) + "\n"};
}

HttpResponse not_a_version(std::string_view text) {
  return json_error(400, "'" + std::string(text.substr(0, 40)) +
                              "' is not a bundle version (a decimal integer from 1, without leading zeros)");
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
    return json_error(404, "bundle version " + std::to_string(version) + " is not published");
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
    return json_error(500, text.error().message);
  }
  res.content_type = k_json;
  res.body = std::move(*text);
  return res;
}

HttpResponse diff_answer(const RouteContext& c, const HttpRequest& req, std::string_view from_text, std::string_view to_text) {
  auto from = parse_bundle_version(from_text);
  auto to = parse_bundle_version(to_text);
  if (!from) return not_a_version(from_text);
  if (!to) return not_a_version(to_text);
  auto state = c.store.state();
  if (!state->versions.contains(*to)) {
    return json_error(404, "bundle version " + first_chars(to_text, 40) + " is not published");
  }
  ComposedDiff diff = c.store.composed_diff(*from, *to);
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
  // Degraded whenever what is served is not the newest published: a newer verified bundle is in
  // the folder, or latest.json is damaged, older or from another registry. Serving some version
  // answers 200; serving none, 503.
  int status = 200;
  const int64_t newest = state->versions.empty() ? 0 : state->versions.rbegin()->first;
  const bool behind = state->latest ? newest > *state->latest : newest > 0;
  if (behind || !state->latest_problem.empty()) {
    body["status"] = "degraded";
    body["newest_in_folder"] = newest > 0 ? json(newest) : json();
    body["reason"] = !state->latest_problem.empty() ? state->latest_problem
                     : state->latest ? "a newer bundle than the one served is in the folder; latest.json does not name it"
                                     : "bundles are in the folder but none verifies";
    if (!state->latest) status = 503;
  }
  if (!state->lineage.empty()) body["lineage"] = state->lineage;
  return json_answer(HttpAnswer{status, body, {}});
}

HttpResponse metrics_answer(const RouteContext& c) {
  auto state = c.store.state();
  const double uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - c.started).count();
  return HttpResponse{200, "text/plain; version=0.0.4", {}, c.metrics.prometheus_text(state->latest.value_or(0), uptime, c.store.refused_versions())};
}

HttpResponse not_found(std::string_view path) {
  return json_error(404, "no endpoint " + first_chars(path, 80) + " (see docs/serving.md)");
}

}  // namespace

HttpResponse handle_request(const RouteContext& c, const HttpRequest& req) {
  const std::vector<std::string_view> s = segments_of(req.path);
  const bool get = req.method == "GET" || req.method == "HEAD";
  auto only = [&](bool allowed, auto&& answer) -> HttpResponse {
    if (!allowed) {
      HttpResponse res =
          json_error(405, "method " + first_chars(req.method, 16) + " is not allowed on " + first_chars(req.path, 80));
      res.headers.emplace_back("Allow", req.path == k_assign_path ? "POST" : "GET, HEAD");
      return res;
    }
    return answer();
  };
  if (s.size() == 2 && s[0] == "v1" && s[1] == "bundle") {
    return only(get, [&] {
      auto state = c.store.state();
      if (!state->latest) return json_error(404, "no bundle is published in the folder yet");
      return bundle_answer(c, req, *state->latest, k_latest);
    });
  }
  if (s.size() == 3 && s[0] == "v1" && s[1] == "bundle") {
    return only(get, [&] {
      auto version = parse_bundle_version(s[2]);
      if (!version) return not_a_version(s[2]);
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

}  // namespace expt
