#include "core/registry/slot_allocator.h"

#include <catch2/catch.hpp>

#include "core/base/finding_codes.h"

namespace expt {
namespace {

TEST_CASE("free ranges are the gaps between claims", "[allocate]") {
  std::vector<SlotClaim> claims{{{100, 199}, "b"}, {{0, 49}, "a"}, {{500, 999}, "c"}};
  auto free = free_ranges(1000, claims);
  REQUIRE(free.size() == 2);
  CHECK(free[0] == SlotRange{50, 99});
  CHECK(free[1] == SlotRange{200, 499});
  CHECK(describe_ranges(free) == "50-99 (50), 200-499 (300)");
  CHECK(free_ranges(10, {}) == std::vector<SlotRange>{{0, 9}});
  CHECK(describe_ranges(free_ranges(10, std::vector<SlotClaim>{{{0, 9}, "x"}})) == "none");
}

TEST_CASE("placement is best fit: the smallest run that holds the request", "[allocate]") {
  // Free: 0-299 (300), 400-449 (50), 600-999 (400).
  std::vector<SlotClaim> claims{{{300, 399}, "a"}, {{450, 599}, "b"}};
  SECTION("a small request fills the small gap and keeps the large runs whole") {
    auto r = place_slots(1000, claims, 50, "x", "ns");
    REQUIRE(r);
    CHECK(*r == SlotRange{400, 449});
  }
  SECTION("a request between the sizes takes the smaller run that fits") {
    auto r = place_slots(1000, claims, 250, "x", "ns");
    REQUIRE(r);
    CHECK(*r == SlotRange{0, 249});
  }
  SECTION("ties go to the lowest start") {
    auto r = place_slots(1000, std::vector<SlotClaim>{{{100, 899}, "a"}}, 100, "x", "ns");
    REQUIRE(r);
    CHECK(*r == SlotRange{0, 99});
  }
}

TEST_CASE("allocation never overlaps an existing claim", "[allocate]") {
  std::vector<SlotClaim> claims{{{0, 99}, "a"}, {{200, 299}, "b"}};
  for (uint32_t count : {1u, 50u, 100u, 700u}) {
    auto r = place_slots(1000, claims, count, "x", "ns");
    REQUIRE(r);
    CHECK(r->size() == count);
    for (const SlotClaim& c : claims) CHECK_FALSE(r->overlaps(c.range));
  }
}

TEST_CASE("an over-subscribed namespace names the free ranges", "[allocate]") {
  std::vector<SlotClaim> claims{{{0, 899}, "a"}};
  auto r = place_slots(1000, claims, 200, "checkout-new", "checkout");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == code::namespace_oversubscribed);
  CHECK(r.error().message ==
        "namespace 'checkout' cannot fit 'checkout-new': it needs 200 slots but only 100 of 1000 are free; "
        "free: 900-999 (100)");
}

TEST_CASE("fragmented free space is reported as such, not as a full namespace", "[allocate]") {
  std::vector<SlotClaim> claims{{{100, 199}, "a"}, {{300, 399}, "b"}, {{500, 999}, "c"}};
  auto r = place_slots(1000, claims, 150, "x", "checkout");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == code::slots_fragmented);
  CHECK(r.error().message ==
        "namespace 'checkout' has 300 free slots but no contiguous run of 150 for 'x'; "
        "free: 0-99 (100), 200-299 (100), 400-499 (100)");
}

TEST_CASE("an explicit range is claimed only when it is free and in bounds", "[allocate]") {
  std::vector<SlotClaim> claims{{{100, 199}, "search-ranker-v2"}};
  SECTION("free range") {
    auto r = claim_range(1000, claims, {200, 299}, "x", "search");
    REQUIRE(r);
    CHECK(*r == SlotRange{200, 299});
  }
  SECTION("overlap names the holder") {
    auto r = claim_range(1000, claims, {150, 249}, "x", "search");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == code::slot_overlap);
    CHECK(r.error().message == "slots 150-249 requested by 'x' overlap 'search-ranker-v2' (slots 100-199) in namespace 'search'");
  }
  SECTION("out of bounds") {
    auto r = claim_range(1000, claims, {900, 1000}, "x", "search");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == code::range_out_of_bounds);
    CHECK(r.error().message == "range [900, 1000] of 'x' lies outside namespace 'search' (slots 0-999)");
  }
  SECTION("touching ranges do not overlap") {
    CHECK(claim_range(1000, claims, {0, 99}, "x", "search"));
    CHECK(claim_range(1000, claims, {200, 200}, "x", "search"));
  }
}

TEST_CASE("a namespace can be filled exactly to the last slot", "[allocate]") {
  std::vector<SlotClaim> claims;
  for (int i = 0; i < 10; ++i) {
    auto r = place_slots(100, claims, 10, "e" + std::to_string(i), "ns");
    REQUIRE(r);
    claims.push_back({*r, "e" + std::to_string(i)});
  }
  CHECK(free_ranges(100, claims).empty());
  CHECK_FALSE(place_slots(100, claims, 1, "one-more", "ns"));
}

}  // namespace
}  // namespace expt
