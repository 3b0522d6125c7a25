#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

#include "core/assign/bundle.h"
#include "core/client/bundle_client.h"
#include "core/serve/bundle_server.h"
#include "tests/support/fixtures.h"
#include "tests/support/published_folder.h"

namespace expt {
namespace {

using namespace std::chrono_literals;

// `expt serve` on a loopback port over a published folder, for as long as the object lives.
struct LocalServer {
  testing::PublishedFolder folder;
  std::unique_ptr<BundleServer> server;
  std::thread thread;

  explicit LocalServer(int versions) : folder(versions) {
    ServeOptions options;
    options.folder = folder.folder();
    options.port = 0;
    options.rescan = 100ms;
    options.heartbeat = 200ms;
    server = std::make_unique<BundleServer>(options);
    REQUIRE(server->start());
    thread = std::thread([this] { server->run(); });
  }
  ~LocalServer() {
    server->stop();
    thread.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server->port()); }
};

// Waits for `done`, polling; false if it is still not true after `limit` (a failure, not a
// measurement: the limit is far above what any of these needs).
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit = 20000ms) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// What the client reported, from its thread.
struct Reports {
  std::mutex mutex;
  std::vector<std::pair<int64_t, std::string>> updates;
  std::vector<std::string> errors;
  void attach(BundleClientOptions& o) {
    o.on_update = [this](int64_t v, const std::string& how) {
      std::lock_guard<std::mutex> lock(mutex);
      updates.emplace_back(v, how);
    };
    o.on_error = [this](const Error& e) {
      std::lock_guard<std::mutex> lock(mutex);
      errors.push_back(e.message);
    };
  }
  size_t error_count() {
    std::lock_guard<std::mutex> lock(mutex);
    return errors.size();
  }
};

TEST_CASE("a bundle client starts from its cache, then moves to the server's newest bundle and caches it", "[client]") {
  LocalServer local(2);
  testing::TempDir dir;
  const auto cache = dir / "cache.json";
  testing::write_file(cache, local.folder.text(1));
  Evaluator evaluator;
  BundleClientOptions options;
  options.base_url = local.url();
  options.cache_path = cache.string();
  options.share_snapshots = false;
  Reports reports;
  reports.attach(options);
  BundleClient client(evaluator, options);
  client.start();
  CHECK(client.version() >= 1);  // the cache, before any answer
  REQUIRE(eventually([&] { return client.version() == 2; }));
  client.stop();
  CHECK(reports.updates.front() == std::pair<int64_t, std::string>{1, "cache"});
  CHECK(evaluator.snapshot()->version() == 2);
  CHECK(testing::read_file(cache) == local.folder.text(2));
}

TEST_CASE("a bundle client on the stream moves to each new version through a diff", "[client]") {
  LocalServer local(2);
  Evaluator evaluator;
  BundleClientOptions options;
  options.base_url = local.url();
    options.share_snapshots = false;
  BundleClient client(evaluator, options);
  client.start();
  REQUIRE(eventually([&] { return client.version() == 2 && client.counters().stream_opens > 0; }));
  local.folder.publish();
  REQUIRE(eventually([&] { return client.version() == 3; }));
  client.stop();
  const BundleClientCounters c = client.counters();
  CHECK(c.diff_updates >= 1);
  CHECK(c.diff_failures == 0);
  CHECK(evaluator.snapshot()->content_hash() == local.folder.document(3)["content_hash"]);
}

TEST_CASE("a polling bundle client asks with If-None-Match and is answered 304 while nothing changes", "[client]") {
  LocalServer local(2);
  Evaluator evaluator;
  BundleClientOptions options;
  options.base_url = local.url();
    options.use_stream = false;
  options.poll_interval = 20ms;
  options.share_snapshots = false;
  BundleClient client(evaluator, options);
  client.start();
  REQUIRE(eventually([&] { return client.counters().not_modified >= 2; }));
  client.stop();
  CHECK(client.version() == 2);
  CHECK(client.counters().updates == 1);
  CHECK(client.counters().poll_updates == 1);
}

TEST_CASE("a damaged cache is reported and replaced by the server's bundle", "[client]") {
  LocalServer local(1);
  testing::TempDir dir;
  const auto cache = dir / "cache.json";
  testing::write_file(cache, "{\"bundle_version\": 1");
  Evaluator evaluator;
  BundleClientOptions options;
  options.base_url = local.url();
  options.cache_path = cache.string();
  options.share_snapshots = false;
  Reports reports;
  reports.attach(options);
  BundleClient client(evaluator, options);
  client.start();
  REQUIRE(eventually([&] { return client.version() == 1; }));
  client.stop();
  CHECK(reports.error_count() >= 1);
  CHECK(testing::read_file(cache) == local.folder.text(1));
}

TEST_CASE("a bundle client whose server is unreachable keeps its cached bundle and reports the failures", "[client]") {
  testing::PublishedFolder folder(1);
  testing::TempDir dir;
  const auto cache = dir / "cache.json";
  testing::write_file(cache, folder.text(1));
  Evaluator evaluator;
  BundleClientOptions options;
  options.base_url = "http://127.0.0.1:9";
  options.cache_path = cache.string();  // the discard port: nothing listens
  options.backoff_initial = 10ms;
  options.poll_interval = 10ms;
  options.timeout = 1000ms;
  Reports reports;
  reports.attach(options);
  BundleClient client(evaluator, options);
  client.start();
  REQUIRE(eventually([&] { return reports.error_count() >= 2; }));
  client.stop();
  CHECK(client.version() == 1);
  CHECK(evaluator.snapshot()->version() == 1);
}

}  // namespace
}  // namespace expt
