#include "core/assign/hash.h"

#include <random>
#include <string>

#include <catch2/catch.hpp>
#include <xxhash.h>

#include "core/assign/assignment.h"
#include "tests/support/fixtures.h"

namespace expt {
namespace {

TEST_CASE("hash v1 reproduces every published test vector", "[hash]") {
  nlohmann::json cases = testing::read_json(testing::fixture_path("cases/hash_v1.json"));
  REQUIRE(cases["hash_version"] == 1);
  const auto& vectors = cases["vectors"];
  REQUIRE(vectors.size() >= 50);
  for (const auto& v : vectors) {
    const std::string entity = v["entity_id"];
    INFO("entity_id: '" << entity << "'");
    const uint64_t slot_hash = hash_v1(v["namespace"].get<std::string>(), entity);
    CHECK(std::to_string(slot_hash) == v["slot_hash"].get<std::string>());
    CHECK(slot_of(slot_hash, v["total_slots"].get<uint32_t>()) == v["slot"].get<uint32_t>());
    const uint64_t variant_hash = hash_v1(v["experiment"].get<std::string>(), entity);
    CHECK(std::to_string(variant_hash) == v["variant_hash"].get<std::string>());
    CHECK(bucket_of(variant_hash) == v["bucket"].get<uint32_t>());
    const uint64_t holdout_hash = hash_v1(v["holdout_key"].get<std::string>(), entity);
    CHECK(std::to_string(holdout_hash) == v["holdout_hash"].get<std::string>());
    CHECK(bucket_of(holdout_hash) == v["holdout_bucket"].get<uint32_t>());
  }
}

TEST_CASE("assignment reproduces the variant and holdout of every test vector", "[hash][assignment]") {
  nlohmann::json cases = testing::read_json(testing::fixture_path("cases/hash_v1.json"));
  for (const auto& v : cases["vectors"]) {
    const std::string entity = v["entity_id"];
    INFO("entity_id: '" << entity << "'");
    // A snapshot with one layer whose single experiment owns every slot, so the vector's
    // variant is what assignment must return.
    AssignmentSnapshot snapshot;
    snapshot.global_holdout = SnapshotHoldout{v["holdout_key"], v["holdout_percent_bps"]};
    SnapshotExperiment experiment;
    experiment.key = v["experiment"];
    experiment.type = v["variant_keys"].size() == 1 ? ExperimentType::rollout : ExperimentType::multivariate;
    for (size_t i = 0; i < v["variant_keys"].size(); ++i) {
      experiment.variants.push_back(SnapshotVariant{v["variant_keys"][i], v["variant_ends_bps"][i], {}, {}, {}});
    }
    snapshot.experiments.push_back(experiment);
    SnapshotLayer layer;
    layer.key = v["namespace"];
    layer.total_slots = v["total_slots"];
    layer.slot_owner.assign(layer.total_slots, 0);
    snapshot.layers.push_back(layer);

    const bool held = in_global_holdout(snapshot, entity);
    CHECK(held == v["in_holdout"].get<bool>());
    LayerAssignment a = assign_in_layer(snapshot, 0, entity, false);
    CHECK(a.slot == v["slot"].get<uint32_t>());
    const std::string expected = v["variant"].is_null() ? "" : v["variant"].get<std::string>();
    CHECK(std::string(variant_key(snapshot, a)) == expected);
  }
}

// hash_v1 reads salt and ID in place instead of joining them; it must equal the library's XXH64
// of the joined bytes for every split of every length, including bytes above 0x7f.
TEST_CASE("hash v1 equals XXH64 of the joined key for every salt and ID length", "[hash]") {
  std::mt19937_64 random(2026);
  auto bytes = [&](size_t n) {
    std::string text(n, '\0');
    for (char& c : text) c = static_cast<char>(random());
    return text;
  };
  for (size_t salt_length = 0; salt_length <= 80; ++salt_length) {
    for (size_t id_length = 0; id_length <= 80; ++id_length) {
      std::string salt = bytes(salt_length), id = bytes(id_length);
      std::string joined = salt + ":" + id;
      INFO("salt length " << salt_length << ", id length " << id_length);
      REQUIRE(hash_v1(salt, id) == XXH64(joined.data(), joined.size(), 0));
    }
  }
  for (size_t length : {254u, 255u, 256u, 300u, 5000u}) {
    std::string id = bytes(length);
    std::string joined = "layer:" + id;
    INFO("id length " << length);
    CHECK(hash_v1("layer", id) == XXH64(joined.data(), joined.size(), 0));
  }
}

TEST_CASE("salt and entity are joined with a colon, so keys must not contain one", "[hash]") {
  // The documented consequence of plain concatenation: "a" + ":" + "b:c" == "a:b" + ":" + "c".
  // Keys are restricted to [a-z0-9._-], so no two namespaces or experiments can collide this way.
  CHECK(hash_v1("a", "b:c") == hash_v1("a:b", "c"));
  CHECK(hash_v1("a", "b") != hash_v1("b", "a"));
}

TEST_CASE("only hash version 1 is known", "[hash]") {
  CHECK(hash_version_from_number(1) == HashVersion::v1);
  CHECK_FALSE(hash_version_from_number(0).has_value());
  CHECK_FALSE(hash_version_from_number(2).has_value());
}

}  // namespace
}  // namespace expt
