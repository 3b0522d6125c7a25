#include <atomic>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "core/assign/bundle.h"
#include "core/client/shared_snapshots.h"
#include "core/plan/bundle_publish.h"
#include "tests/support/fixture_registry.h"

namespace expt {
namespace {

std::shared_ptr<const BundleSnapshot> fixture_snapshot(int64_t version) {
  auto s = testing::running_fixture_snapshot(version);
  REQUIRE(s);
  return s;
}

TEST_CASE("clients of one process build each version's snapshot once and share it", "[client]") {
  SharedSnapshots shared;
  const auto snapshot = fixture_snapshot(1);
  std::atomic<int> builds{0};
  std::vector<std::shared_ptr<const BundleSnapshot>> got(16);
  std::vector<std::thread> clients;
  for (size_t i = 0; i < got.size(); ++i) {
    clients.emplace_back([&, i] {
      got[i] = shared.get_or_build("http://a", 1, snapshot->content_hash(), [&] {
        ++builds;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the others arrive while it builds
        return fixture_snapshot(1);
      });
    });
  }
  for (auto& t : clients) t.join();
  CHECK(builds == 1);
  for (const auto& g : got) CHECK(g == got[0]);
  // Another server's version of the same number and content is its own entry.
  shared.get_or_build("http://b", 1, snapshot->content_hash(), [&] {
    ++builds;
    return fixture_snapshot(1);
  });
  CHECK(builds == 2);
}

TEST_CASE("a failed build leaves each waiting client to build its own, and unused versions are freed", "[client]") {
  SharedSnapshots shared;
  int builds = 0;
  auto failed = shared.get_or_build("http://a", 2, "xxh128:0", [&]() -> std::shared_ptr<const BundleSnapshot> {
    ++builds;
    return nullptr;
  });
  CHECK(failed == nullptr);
  auto own = shared.get_or_build("http://a", 2, "xxh128:0", [&] {
    ++builds;
    return fixture_snapshot(2);
  });
  CHECK(builds == 2);
  REQUIRE(own != nullptr);
  std::weak_ptr<const BundleSnapshot> held = own;
  own.reset();
  CHECK(held.expired());  // the cache holds built snapshots weakly
  auto rebuilt = shared.get_or_build("http://a", 2, "xxh128:0", [&] {
    ++builds;
    return fixture_snapshot(2);
  });
  CHECK(builds == 3);
  shared.remember("http://a", rebuilt);
  CHECK(shared.get_or_build("http://a", rebuilt->version(), rebuilt->content_hash(), [] { return nullptr; }) == rebuilt);
}

}  // namespace
}  // namespace expt
