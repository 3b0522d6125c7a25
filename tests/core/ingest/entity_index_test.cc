#include "core/ingest/entity_index.h"

#include <string>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "core/ingest/fingerprint_set.h"

namespace expt {
namespace {

TEST_CASE("entity IDs are interned densely and compared as opaque bytes", "[ingest]") {
  EntityIndex index;
  CHECK(index.find("7") == EntityIndex::k_absent);
  CHECK(index.intern("7") == 0);
  CHECK(index.intern("007") == 1);
  CHECK(index.intern("7 ") == 2);
  CHECK(index.intern("7") == 0);
  CHECK(index.find("007") == 1);
  CHECK(index.find("07") == EntityIndex::k_absent);
  CHECK(index.size() == 3);
}

TEST_CASE("short IDs live in the slot and long ones in the arena, through every rehash", "[ingest]") {
  EntityIndex index;
  const std::string long_prefix(40, 'x');  // longer than the 16 bytes kept inline
  for (int i = 0; i < 50000; ++i) {
    REQUIRE(index.intern(fmt::format("u{}", i)) == static_cast<uint32_t>(2 * i));
    REQUIRE(index.intern(long_prefix + std::to_string(i)) == static_cast<uint32_t>(2 * i + 1));
  }
  for (int i = 0; i < 50000; i += 997) {
    CHECK(index.find(fmt::format("u{}", i)) == static_cast<uint32_t>(2 * i));
    CHECK(index.find(long_prefix + std::to_string(i)) == static_cast<uint32_t>(2 * i + 1));
    CHECK(index.find(long_prefix + std::to_string(i) + "!") == EntityIndex::k_absent);
  }
  CHECK(index.size() == 100000);
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
