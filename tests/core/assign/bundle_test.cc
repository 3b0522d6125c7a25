#include "core/assign/bundle.h"

#include <catch2/catch.hpp>

#include "core/assign/bundle_snapshot.h"
#include "core/plan/bundle_publish.h"
#include "tests/support/fixture_registry.h"

namespace expt {
namespace {

using nlohmann::json;

const AuditStamp k_stamp{"2026-11-23T12:00:00Z", "alice"};

ExperimentRecord& find(RegistryState& state, const std::string& key) {
  for (ExperimentRecord& e : state.experiments) {
    if (e.spec.key == key) return e;
  }
  throw std::runtime_error("no " + key);
}

json publish(const RegistryState& state, int64_t version) {
  return bundle_document(bundle_content(state), version, k_stamp.at);
}

TEST_CASE("the same registry state gives byte-identical bundle content", "[bundle]") {
  RegistryState a = testing::running_fixture_registry();
  RegistryState b = testing::running_fixture_registry();
  CHECK(canonical_text(bundle_content(a)) == canonical_text(bundle_content(b)));
  CHECK(canonical_text(publish(a, 7)) == canonical_text(publish(b, 7)));
  CHECK(content_hash(bundle_content(a)).rfind("xxh128:", 0) == 0);
  CHECK(content_hash(bundle_content(a)).size() == 7 + 32);
}

TEST_CASE("bundles hold only what evaluation needs", "[bundle]") {
  RegistryState state = testing::running_fixture_registry();
  find(state, "search-snippets").status = ExperimentStatus::stopped;
  json content = bundle_content(state);
  const std::string text = canonical_text(content);
  CHECK(text.find("owner_team") == std::string::npos);
  CHECK(text.find("metrics") == std::string::npos);
  CHECK(text.find("purchase_conversion") == std::string::npos);
  CHECK_FALSE(content["namespaces"]["search-ranking"]["experiments"].contains("search-snippets"));
  CHECK(content["namespaces"]["search-ranking"]["experiments"].contains("search-ranker-v2"));
  CHECK(content["global_holdout"] == json{{"key", "global-holdout-2026"}, {"percent_bps", 200}});
  CHECK(content["hash_version"] == 1);
}

TEST_CASE("publishing mints a version only when the content changes", "[bundle]") {
  RegistryState state = testing::running_fixture_registry();
  PublishPlan first = plan_bundle_publish(state, k_stamp).value();
  REQUIRE(first.is_new);
  CHECK(first.current.version == 1);
  REQUIRE(first.changes.bundle.has_value());
  CHECK(first.changes.audit.at(0).action == "publish");
  state.latest_bundle = first.current;

  PublishPlan again = plan_bundle_publish(state, AuditStamp{"2026-11-24T00:00:00Z", "bob"}).value();
  CHECK_FALSE(again.is_new);
  CHECK(again.changes.empty());
  CHECK(again.current.version == 1);
  CHECK(again.current.created_at == k_stamp.at);

  // Metadata that evaluation does not use does not mint a version either.
  find(state, "checkout-cta-color").spec.owner_team = "someone-else";
  CHECK_FALSE(plan_bundle_publish(state, k_stamp)->is_new);

  find(state, "checkout-cta-color").spec.variants[1].config["cta_color"] = "teal";
  PublishPlan changed = plan_bundle_publish(state, k_stamp).value();
  CHECK(changed.is_new);
  CHECK(changed.current.version == 2);
}

TEST_CASE("a bundle over what readers load is refused before publishing, naming the largest configs", "[bundle]") {
  RegistryState state = testing::running_fixture_registry();
  // 70 configs of 1 MiB: each within every bound, together past the 64 MiB readers load.
  ExperimentRecord& e = find(state, "checkout-cta-color");
  const std::string mib(size_t{1} << 20, 'x');
  for (int i = 0; i < 70; ++i) e.spec.variants[1].config["blob" + std::to_string(i)] = mib;
  auto refused = plan_bundle_publish(state, k_stamp);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.starts_with("the bundle would be 70.0 MiB, over the 64 MiB that serve, watch and the SDK "
                                            "load (docs/bundle-format.md); nothing was published. Largest configs: "
                                            "checkout/checkout-cta-color variant "));
}

TEST_CASE("applying a diff to the old bundle gives exactly the new one", "[bundle]") {
  RegistryState before = testing::running_fixture_registry();
  RegistryState after = before;
  SECTION("an experiment is added") { find(before, "search-snippets").status = ExperimentStatus::draft; }
  SECTION("an experiment is removed") { find(after, "checkout-cta-color").status = ExperimentStatus::stopped; }
  SECTION("weights change") {
    find(after, "pricing-payment-api-v2").spec.variants[0].allocation_bps = 5000;
  }
  SECTION("a config changes and a default config grows") {
    find(after, "checkout-layout-mvt").spec.variants[2].config = {{"layout", "accordion-v2"}};
    after.namespaces[0].spec.default_config["new_flag"] = true;
  }
  SECTION("the global holdout goes away") { after.global_holdout.reset(); }
  json old_bundle = publish(before, 1);
  json new_bundle = publish(after, 2);
  json diff = bundle_diff(old_bundle, new_bundle);
  auto applied = apply_bundle_diff(old_bundle, diff, "diff-1-2.json");
  REQUIRE(applied);
  CHECK(canonical_text(*applied) == canonical_text(new_bundle));
  CHECK(diff.size() < 20);  // objects keyed by key keep patches small
}

TEST_CASE("a diff refuses a base other than its own", "[bundle]") {
  RegistryState state = testing::running_fixture_registry();
  json v1 = publish(state, 1);
  find(state, "checkout-cta-color").spec.variants[1].config["cta_color"] = "teal";
  json v2 = publish(state, 2);
  find(state, "checkout-cta-color").spec.variants[1].config["cta_color"] = "navy";
  json v3 = publish(state, 3);
  auto wrong = apply_bundle_diff(v1, bundle_diff(v2, v3), "diff-2-3.json");
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().message ==
        "this diff applies to bundle version 2, but the bundle is version 1: apply the diffs in order, or load the "
        "newer bundle whole");
  CHECK(wrong.error().field == "bundle_version");
  // Same version, other content (another registry's bundle 2): named by content_hash.
  json other_v2 = v2;
  other_v2["content_hash"] = "xxh128:00000000000000000000000000000000";
  auto other = apply_bundle_diff(other_v2, bundle_diff(v2, v3), "diff-2-3.json");
  REQUIRE_FALSE(other);
  CHECK(other.error().field == "content_hash");
  CHECK(other.error().message.find("published from another registry or folder") != std::string::npos);
  CHECK(apply_bundle_diff(v2, bundle_diff(v2, v3), "diff-2-3.json"));
}

TEST_CASE("a diff that would grow the bundle past its bound is refused before it grows", "[bundle][limits]") {
  // 40 copies of the root double the document 40 times: it used to die of std::bad_alloc.
  json v1 = publish(testing::running_fixture_registry(), 1);
  json patch = json::array({{{"op", "test"}, {"path", "/bundle_version"}, {"value", 1}}});
  for (int i = 0; i < 40; ++i) patch.push_back({{"op", "copy"}, {"from", ""}, {"path", "/x" + std::to_string(i)}});
  auto grown = apply_bundle_diff(v1, patch, "diff-1-2.json");
  REQUIRE_FALSE(grown);
  CHECK(grown.error().message == "bundle holds more than 2000000 JSON values");
  CHECK(grown.error().location.file.find("diff-1-2.json (after diff operation ") == 0);

  json many = json::array();
  for (size_t i = 0; i <= k_max_diff_operations; ++i) many.push_back({{"op", "test"}, {"path", "/bundle_version"}, {"value", 1}});
  CHECK(apply_bundle_diff(v1, many, "d.json").error().message ==
        "a bundle diff may have at most 100000 operations; this one has 100001");
  CHECK(apply_bundle_diff(v1, json::array({42}), "d.json").error().message ==
        "diff operation 0 is not an RFC 6902 operation");
}

TEST_CASE("a diff that adds under a number, string or boolean is refused, not skipped", "[bundle]") {
  // Found by the diff_apply fuzzer: nlohmann's patch asserted here (and skipped the operation
  // when built without assertions).
  json v1 = publish(testing::running_fixture_registry(), 1);
  auto under = [&](const std::string& path, const json& value) {
    json patch = json::array({{{"op", "test"}, {"path", "/bundle_version"}, {"value", 1}},
                              {{"op", "add"}, {"path", path}, {"value", value}}});
    return apply_bundle_diff(v1, patch, "diff-1-2.json");
  };
  auto number = under("/bundle_version/x", 1);
  REQUIRE_FALSE(number);
  CHECK(number.error().message == "diff operation 1 adds under \"/bundle_version\", which is a number, not an object or array");
  auto string = under("/content_hash/x", 1);
  REQUIRE_FALSE(string);
  CHECK(string.error().message.find("which is a string") != std::string::npos);
  json patch = json::array({{{"op", "copy"}, {"from", "/bundle_version"}, {"path", "/content_hash/y"}}});
  CHECK_FALSE(apply_bundle_diff(v1, patch, "d.json"));
  // Under an object the operation runs; the bundle then fails its content hash, as any edit would.
  auto edited = under("/new_member", json::object());
  REQUIRE_FALSE(edited);
  CHECK(edited.error().message.find("does not match its content_hash") != std::string::npos);
}

TEST_CASE("bundles nesting deeper than the bound are refused without recursion", "[bundle][limits]") {
  json deep = json::array();
  json* at = &deep;
  for (int i = 0; i < 100000; ++i) {
    at->push_back(json::array());
    at = &at->back();
  }
  json doc = publish(testing::running_fixture_registry(), 1);
  json patch = json::array({{{"op", "add"}, {"path", "/namespaces/checkout/default_config/deep"}, {"value", nullptr}}});
  patch[0]["value"] = std::move(deep);  // moved, not copied: copying recurses once per level
  CHECK(apply_bundle_diff(doc, patch, "d.json").error().message ==
        "diff operation 0 has a value nested deeper than 100 levels");
  doc["namespaces"]["checkout"]["default_config"]["deep"] = std::move(patch[0]["value"]);
  CHECK(verify_bundle(doc, "b.json").error().message == "bundle nests deeper than 100 levels");
}

TEST_CASE("a damaged or edited bundle fails verification", "[bundle]") {
  json doc = publish(testing::running_fixture_registry(), 1);
  CHECK(verify_bundle(doc, "b.json"));
  json edited = doc;
  edited["namespaces"]["checkout"]["total_slots"] = 999;
  auto r = verify_bundle(edited, "b.json");
  REQUIRE_FALSE(r);
  CHECK(r.error().field == "content_hash");
  CHECK(r.error().message.find("does not match its content_hash") != std::string::npos);
  json future = doc;
  future["format_version"] = 3;
  CHECK(verify_bundle(future, "b.json").error().message == "bundle format_version 3 is not supported (this expt reads 1 to 2)");
}

TEST_CASE("a bundle's content hash covers its version, so a restated version fails verification", "[bundle]") {
  json doc = publish(testing::running_fixture_registry(), 1);
  json bumped = doc;
  bumped["bundle_version"] = 99;
  auto r = verify_bundle(bumped, "b.json");
  REQUIRE_FALSE(r);
  CHECK(r.error().field == "content_hash");
  // created_at is for people, and left out of the hash.
  json restamped = doc;
  restamped["created_at"] = "2030-01-01T00:00:00Z";
  CHECK(verify_bundle(restamped, "b.json"));
}

TEST_CASE("a format-1 bundle (its hash without the version) is still read", "[bundle]") {
  json doc = publish(testing::running_fixture_registry(), 4);
  json old = doc;
  old["format_version"] = 1;
  old.erase("lineage");
  old["content_hash"] = content_hash(content_of(old));
  CHECK(verify_bundle(old, "b.json"));
  old["bundle_version"] = 5;  // format 1 could not tell: the weakness format 2 closes
  CHECK(verify_bundle(old, "b.json"));
}

TEST_CASE("a bundle snapshot rejects what assignment cannot trust", "[bundle]") {
  RegistryState state = testing::running_fixture_registry();
  auto rehash = [](json doc) { return bundle_document(content_of(doc), 1, "t"); };
  json doc = publish(state, 1);
  REQUIRE(snapshot_from_bundle(doc, "b.json"));
  SECTION("overlapping slot ranges") {
    doc["namespaces"]["checkout"]["experiments"]["checkout-cta-color"]["slot_start"] = 250;
    auto r = snapshot_from_bundle(rehash(doc), "b.json");
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("is claimed by both") != std::string::npos);
  }
  SECTION("weights that do not sum to 1") {
    doc["namespaces"]["checkout"]["experiments"]["checkout-cta-color"]["variants"][0]["allocation_bps"] = 4000;
    auto r = snapshot_from_bundle(rehash(doc), "b.json");
    REQUIRE_FALSE(r);
    CHECK(r.error().field == "/namespaces/checkout/experiments/checkout-cta-color/variants");
  }
  SECTION("an unknown hash version") {
    doc["hash_version"] = 9;
    CHECK(snapshot_from_bundle(rehash(doc), "b.json").error().message == "unknown hash_version 9");
  }
}

}  // namespace
}  // namespace expt
