#include <catch2/catch.hpp>

#include "core/assign/bundle.h"
#include "core/plan/bundle_publish.h"
#include "core/serve/remote_assign.h"
#include "tests/support/fixture_registry.h"

namespace expt {
namespace {

std::shared_ptr<const BundleSnapshot> snapshot() {
  auto s = testing::running_fixture_snapshot();
  REQUIRE(s);
  return s;
}

TEST_CASE("remote assignment answers one entity, or a batch, with the bundle version", "[serve]") {
  auto s = snapshot();
  HttpAnswer one = remote_assign(s, R"({"entity_id": "user-7", "namespaces": ["checkout"]})", 1000);
  REQUIRE(one.status == 200);
  CHECK(one.body["bundle_version"] == s->version());
  CHECK(one.body["entity_id"] == "user-7");
  CHECK(one.body["layers"].size() == 1);
  CHECK(one.body["layers"][0]["namespace"] == "checkout");
  HttpAnswer batch = remote_assign(s, R"([{"entity_id": "a"}, {"entity_id": "b"}])", 1000);
  REQUIRE(batch.status == 200);
  CHECK(batch.body["assignments"].size() == 2);
}

TEST_CASE("remote assignment refuses what it cannot answer, with a status and a reason", "[serve]") {
  auto s = snapshot();
  CHECK(remote_assign(nullptr, R"({"entity_id": "a"})", 10).status == 503);
  CHECK(remote_assign(s, "{", 10).body["error"] == "the body is not valid JSON");
  CHECK(remote_assign(s, R"({"entity_id": 7})", 10).status == 400);
  CHECK(remote_assign(s, R"({"entity_id": "a", "extra": 1})", 10).body["error"] ==
        "unknown field 'extra' (fields: entity_id, namespaces)");
  CHECK(remote_assign(s, R"({"requests": [{"entity_id": "a"}, {"entity_id": 1}]})", 10).body["error"] ==
        "requests[1]: entity_id must be a string (IDs are opaque strings)");
  CHECK(remote_assign(s, R"([{"entity_id": "a"}, {"entity_id": "b"}])", 1).status == 413);
}

}  // namespace
}  // namespace expt
