#include "core/ingest/entity_index.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "core/ingest/fingerprint_set.h"

namespace expt {
namespace {

// The owner's side of the index: IDs by index, compared and stored as ExposureTable does.
struct Owner {
  EntityIndex index;
  std::vector<std::string> ids;
  uint32_t intern(const std::string& id, uint64_t hash) {
    const uint32_t i = index.intern(hash, [&](uint32_t at) { return ids[at] == id; });
    if (i == ids.size()) ids.push_back(id);
    return i;
  }
  uint32_t find(const std::string& id, uint64_t hash) const {
    return index.find(hash, [&](uint32_t at) { return ids[at] == id; });
  }
};

TEST_CASE("IDs whose hashes share the bits a slot keeps are told apart by the owner's comparison", "[ingest]") {
  Owner owner;
  // Hashes with the same low 32 bits (the slot's tag, which also chooses the first slot).
  const uint64_t a = 0x1111'1111'0000'0042, b = 0x2222'2222'0000'0042, c = 0x3333'3333'0000'0042;
  CHECK(owner.index.candidate(a) == EntityIndex::k_absent);
  CHECK(owner.intern("a", a) == 0);
  CHECK(owner.intern("b", b) == 1);
  CHECK(owner.intern("a", a) == 0);
  CHECK(owner.intern("b", b) == 1);
  // The candidate is the first index with those bits, whichever ID it is; find checks the ID.
  CHECK(owner.index.candidate(b) == 0);
  CHECK(owner.find("b", b) == 1);
  CHECK(owner.find("c", c) == EntityIndex::k_absent);
  CHECK(owner.index.candidate(0x42) == 0);
  CHECK(owner.index.candidate(0x43) == EntityIndex::k_absent);
  CHECK(owner.index.size() == 2);
}

TEST_CASE("an entity index keeps every ID findable as it grows, at load at most one half", "[ingest]") {
  Owner owner;
  for (int i = 0; i < 100000; ++i) {
    const std::string id = fmt::format("u{}", i);
    REQUIRE(owner.intern(id, EntityIndex::hash(id)) == static_cast<uint32_t>(i));
  }
  for (int i = 0; i < 100000; i += 7) {
    const std::string id = fmt::format("u{}", i);
    REQUIRE(owner.find(id, EntityIndex::hash(id)) == static_cast<uint32_t>(i));
    REQUIRE(owner.find(id + "!", EntityIndex::hash(id + "!")) == EntityIndex::k_absent);
  }
  CHECK(owner.index.size() == 100000);
  CHECK(owner.index.memory_bytes() == 262144 * 8);  // 8-byte slots, the first power of two past twice the IDs
}

TEST_CASE("the fingerprint set reports repeats, before and after it grows", "[ingest]") {
  FingerprintSet seen;
  for (int i = 0; i < 100000; ++i) REQUIRE(seen.insert(fmt::format("ev-{}", i)));
  for (int i = 0; i < 100000; i += 7) REQUIRE_FALSE(seen.insert(fmt::format("ev-{}", i)));
  CHECK(seen.insert(""));
  CHECK_FALSE(seen.insert(""));
  CHECK(seen.size() == 100001);
  FingerprintSet reserved;
  reserved.reserve(1000000);
  CHECK(reserved.insert("a"));
  CHECK_FALSE(reserved.insert("a"));
}

TEST_CASE("a fingerprint set of any size wraps its probes at the end of the table", "[ingest]") {
  for (size_t count : {size_t{3000}, size_t{4099}, size_t{50001}}) {
    FingerprintSet seen;
    seen.reserve(count);  // not a power of two
    // Fingerprints whose home is the last slot: every probe after the first wraps to slot 0.
    for (uint64_t i = 0; i < 40; ++i) REQUIRE(seen.insert(FingerprintSet::Fingerprint{UINT64_MAX, i + 1}));
    for (uint64_t i = 0; i < 40; ++i) REQUIRE_FALSE(seen.insert(FingerprintSet::Fingerprint{UINT64_MAX, i + 1}));
    for (size_t i = 0; i < count; ++i) REQUIRE(seen.insert(fmt::format("ev-{}", i)));
    for (size_t i = 0; i < count; i += 3) REQUIRE_FALSE(seen.insert(fmt::format("ev-{}", i)));
    CHECK(seen.size() == count + 40);
  }
}

}  // namespace
}  // namespace expt
