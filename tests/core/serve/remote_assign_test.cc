#include <catch2/catch.hpp>

#include "core/assign/bundle.h"
#include "core/plan/bundle_publish.h"
#include "core/assign/assignment_json.h"
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
  const nlohmann::json one_body = nlohmann::json::parse(one.text);
  CHECK(one_body["bundle_version"] == s->version());
  CHECK(one_body["entity_id"] == "user-7");
  CHECK(one_body["layers"].size() == 1);
  CHECK(one_body["layers"][0]["namespace"] == "checkout");
  HttpAnswer batch = remote_assign(s, R"([{"entity_id": "a"}, {"entity_id": "b"}])", 1000);
  REQUIRE(batch.status == 200);
  CHECK(nlohmann::json::parse(batch.text)["assignments"].size() == 2);
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

TEST_CASE("an answer's text is byte for byte the dump of its JSON tree", "[serve]") {
  auto s = snapshot();
  const AssignmentSnapshot& a = s->assignment();
  std::vector<size_t> all(a.layers.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  for (const std::string id : {"user-7", "", "quote\"back\\slash", "tab\tnew\nline\x01", "ünïcødé-✓", "007"}) {
    for (int i = 0; i < 50; ++i) {
      const std::string entity = id + std::to_string(i);
      nlohmann::json tree = assignment_json(a, all, entity);
      std::string text;
      append_assignment_json(text, a, all, entity);
      CHECK(text == tree.dump());
      tree["bundle_version"] = s->version();
      text.clear();
      append_assignment_json(text, a, all, entity, s->version());
      CHECK(text == tree.dump());
    }
  }
}

}  // namespace
}  // namespace expt

namespace expt {
namespace {

TEST_CASE("a batch whose answer would pass 16 MiB is refused with 413, not built", "[serve]") {
  // The reproduction: a 1 MiB config answered for each of a thousand entities (a gigabyte).
  nlohmann::json content = bundle_content(testing::running_fixture_registry());
  content["namespaces"]["checkout"]["default_config"]["blob"] = std::string(size_t{1} << 20, 'x');
  auto s = BundleSnapshot::from_document(bundle_document(content, 1, "2026-11-23T12:00:00Z"), "bundle.json");
  REQUIRE(s);
  std::string body = "[";
  for (int i = 0; i < 999; ++i) body += (i ? "," : "") + std::string(R"({"entity_id": "u)") + std::to_string(i) + R"("})";
  body += "]";
  HttpAnswer answer = remote_assign(*s, body, 1000);
  CHECK(answer.status == 413);
  CHECK(answer.body["error"].get<std::string>().starts_with("the answer would exceed 16 MiB by request "));
  HttpAnswer small = remote_assign(*s, R"([{"entity_id": "a"}, {"entity_id": "b"}])", 1000);
  CHECK(small.status == 200);
}

}  // namespace
}  // namespace expt
