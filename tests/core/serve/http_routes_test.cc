#include <fstream>

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "core/assign/bundle.h"
#include "core/assign/bundle_protocol.h"
#include "core/serve/http_routes.h"
#include "tests/support/published_folder.h"

namespace expt {
namespace {

using nlohmann::json;

// The routes over a folder of three versions, without a socket.
struct Routes {
  testing::PublishedFolder folder{3};
  ServeOptions options;
  BundleStore store{folder.folder()};
  ServerMetrics metrics;
  RouteContext context{options, store, metrics, std::chrono::steady_clock::now()};

  Routes() {
    options.folder = folder.folder();
    REQUIRE(store.rescan());
  }
  HttpResponse get(const std::string& path, std::vector<std::pair<std::string, std::string>> headers = {}) {
    return handle_request(context, HttpRequest{"GET", path, std::move(headers), ""});
  }
  static std::string header(const HttpResponse& r, const std::string& name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return "(none)";
  }
};

TEST_CASE("GET /v1/bundle answers the latest bundle with its strong ETag, and 304 when the client has it", "[serve]") {
  Routes r;
  HttpResponse latest = r.get("/v1/bundle");
  CHECK(latest.status == 200);
  CHECK(latest.content_type == "application/json");
  CHECK(latest.body == r.folder.text(3));
  const std::string etag = etag_of(r.folder.document(3)["content_hash"].get<std::string>());
  CHECK(Routes::header(latest, "ETag") == etag);
  CHECK(Routes::header(latest, "X-Expt-Bundle-Version") == "3");
  CHECK(Routes::header(latest, "Cache-Control") == "public, max-age=5, stale-while-revalidate=30, stale-if-error=86400");
  HttpResponse same = r.get("/v1/bundle", {{"if-none-match", "\"other\", " + etag}});
  CHECK(same.status == 304);
  CHECK(same.body.empty());
  CHECK(r.get("/v1/bundle", {{"If-None-Match", "\"other\""}}).status == 200);
}

TEST_CASE("GET /v1/bundle/V answers that version, immutable; an unpublished one is 404, a non-canonical one 400", "[serve]") {
  Routes r;
  HttpResponse v2 = r.get("/v1/bundle/2");
  CHECK(v2.status == 200);
  CHECK(v2.body == r.folder.text(2));
  CHECK(Routes::header(v2, "Cache-Control") == "public, max-age=31536000, immutable");
  CHECK(json::parse(r.get("/v1/bundle/9").body)["error"] == "bundle version 9 is not published");
  for (const char* bad : {"/v1/bundle/01", "/v1/bundle/abc", "/v1/bundle/-1", "/v1/bundle/+2", "/v1/bundle/2.0",
                          "/v1/bundle/", "/v1/bundle/99999999999999999999"}) {
    INFO(bad);
    HttpResponse answer = r.get(bad);
    CHECK(answer.status == 400);
    CHECK(json::parse(answer.body)["error"].get<std::string>().find("is not a bundle version") != std::string::npos);
  }
}

TEST_CASE("GET /v1/diff/U/V answers one composed patch, or the full bundle saying why", "[serve]") {
  Routes r;
  HttpResponse patch = r.get("/v1/diff/1/3");
  REQUIRE(patch.status == 200);
  CHECK(patch.content_type == "application/json-patch+json");
  CHECK(Routes::header(patch, "X-Expt-Diff") == "patch");
  CHECK(apply_bundle_diff(r.folder.document(1), json::parse(patch.body), "diff").value() == r.folder.document(3));
  HttpResponse full = r.get("/v1/diff/7/3");
  CHECK(full.status == 200);
  CHECK(Routes::header(full, "X-Expt-Diff") == "full");
  CHECK(Routes::header(full, "X-Expt-Diff-Reason") == "version 7 is not older than 3");
  CHECK(full.body == r.folder.text(3));
  CHECK(r.get("/v1/diff/1/9").status == 404);
  for (const char* bad : {"/v1/diff/abc/3", "/v1/diff/1/03", "/v1/diff/0/3", "/v1/diff//3"}) {
    INFO(bad);
    CHECK(r.get(bad).status == 400);
  }
}

TEST_CASE("POST /v1/assign evaluates remotely; other methods and unknown paths get JSON errors", "[serve]") {
  Routes r;
  HttpResponse assigned = handle_request(r.context, HttpRequest{"POST", "/v1/assign", {}, R"({"entity_id": "user-7"})"});
  CHECK(assigned.status == 200);
  CHECK(json::parse(assigned.body)["bundle_version"] == 3);
  HttpResponse wrong = r.get("/v1/assign");
  CHECK(wrong.status == 405);
  CHECK(Routes::header(wrong, "Allow") == "POST");
  CHECK(handle_request(r.context, HttpRequest{"DELETE", "/v1/bundle", {}, ""}).status == 405);
  for (const std::string& path : {std::string("/nope"), std::string("/v1//bundle"), std::string("/v1/bundle/2/"),
                                  "/" + std::string(5000, 'x'), std::string("/v1/diff/1/2/3"), std::string("/v1/\xff\xfe")}) {
    INFO(path.substr(0, 40));
    HttpResponse answer = r.get(path);
    CHECK(answer.status == 404);
    CHECK(json::parse(answer.body)["status"] == 404);
  }
}

TEST_CASE("/healthz and /metrics report the version served", "[serve]") {
  Routes r;
  const json health = json::parse(r.get("/healthz").body);
  CHECK(health["status"] == "ok");
  CHECK(health["version"] == 3);
  CHECK(health["versions_available"] == 3);
  HttpResponse metrics = r.get("/metrics");
  CHECK(metrics.content_type == "text/plain; version=0.0.4");
  CHECK(metrics.body.find("expt_serve_bundle_version 3\n") != std::string::npos);
}

TEST_CASE("/healthz says degraded when the folder has a newer bundle than the one served", "[serve]") {
  testing::PublishedFolder folder{3};
  auto health_of = [&](const std::string& latest_text) {
    std::ofstream(folder.folder() + "/latest.json", std::ios::trunc) << latest_text;
    ServeOptions options;
    options.folder = folder.folder();
    BundleStore store{folder.folder()};
      ServerMetrics metrics;
    RouteContext context{options, store, metrics, std::chrono::steady_clock::now()};
    REQUIRE(store.rescan());
    return handle_request(context, HttpRequest{"GET", "/healthz", {}, ""});
  };
  HttpResponse older = health_of(folder.text(2));  // latest.json left behind at version 2
  CHECK(older.status == 200);
  json body = json::parse(older.body);
  CHECK(body["status"] == "degraded");
  CHECK(body["version"] == 2);
  CHECK(body["newest_in_folder"] == 3);
  // A damaged latest.json after a restart: the newest bundle that verifies is served, degraded.
  HttpResponse damaged = health_of("{not json");
  CHECK(damaged.status == 200);
  body = json::parse(damaged.body);
  CHECK(body["status"] == "degraded");
  CHECK(body["version"] == 3);
  CHECK(body["reason"].get<std::string>().find("serving bundle-3.json, the newest bundle that does") != std::string::npos);
  // Nothing in the folder verifies: nothing is served, 503.
  for (int v = 1; v <= 3; ++v) std::ofstream(folder.folder() + "/bundle-" + std::to_string(v) + ".json", std::ios::trunc) << "{";
  HttpResponse none = health_of("{not json");
  CHECK(none.status == 503);
  body = json::parse(none.body);
  CHECK(body["status"] == "degraded");
  CHECK(body["version"].is_null());
}

TEST_CASE("paths count in /metrics under their endpoint", "[serve]") {
  CHECK(endpoint_of("/v1/bundle") == "/v1/bundle");
  CHECK(endpoint_of("/v1/bundle/12") == "/v1/bundle/{version}");
  CHECK(endpoint_of("/v1/diff/1/2") == "/v1/diff/{version}");
  CHECK(endpoint_of("/v1/stream") == "/v1/stream");
  CHECK(endpoint_of("/anything") == "other");
}

TEST_CASE("a bundle event names the version, its hash and where to fetch it, with a small patch inline", "[serve]") {
  CHECK(bundle_event(3, "xxh128:ab", 0) ==
        "id: 3\nevent: bundle\ndata: {\"bundle_url\":\"/v1/bundle/3\",\"content_hash\":\"xxh128:ab\",\"diff_url\":\"/v1/diff/2/3\","
        "\"version\":3}\n\n");
  CHECK(bundle_event(1, "h", 0).find("\"diff_url\":null") != std::string::npos);
  const std::string patch = "[{\"op\":\"test\"}]\n";
  CHECK(bundle_event(3, "h", 1, &patch).find(",\"patch\":[{\"op\":\"test\"}],\"patch_from\":1}\n\n") != std::string::npos);
}

}  // namespace
}  // namespace expt
