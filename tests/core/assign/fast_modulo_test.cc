#include "core/assign/fast_modulo.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <vector>

#include "core/assign/assignment.h"

namespace expt {
namespace {

TEST_CASE("the multiplied remainder equals the division for every slot count", "[fast_modulo]") {
  std::mt19937_64 random(11);
  std::vector<uint64_t> numerators = {0, 1, 999, 1000, 1001, UINT32_MAX, uint64_t{UINT32_MAX} + 1,
                                      UINT64_MAX, UINT64_MAX - 1, uint64_t{1} << 63};
  for (int i = 0; i < 64; ++i) numerators.push_back(random());
  // Every slot count a namespace may have (1 to 1,000,000) and the 32-bit extremes.
  for (uint32_t d = 1; d <= 1000000; ++d) {
    FastModulo m(d);
    for (uint64_t x : numerators) {
      if (m.of(x) != x % d) FAIL("x " << x << " mod " << d << ": " << m.of(x) << " != " << x % d);
    }
  }
  for (uint32_t d : {UINT32_MAX, UINT32_MAX - 1, 1u << 31, (1u << 31) + 1}) {
    FastModulo m(d);
    for (uint64_t x : numerators) CHECK(m.of(x) == x % d);
  }
}

TEST_CASE("a snapshot whose slot count changed after finishing still divides correctly", "[fast_modulo][assignment]") {
  AssignmentSnapshot s;
  SnapshotLayer l;
  l.key = "checkout";
  l.total_slots = 1000;
  l.slot_owner.assign(1000, -1);
  s.layers.push_back(l);
  finish_snapshot(s);
  CHECK(assign_in_layer(s, 0, "user-7", false).slot == hash_v1("checkout", "user-7") % 1000);
  s.layers[0].total_slots = 7;  // edited by hand without finish_snapshot()
  s.layers[0].slot_owner.assign(7, -1);
  CHECK(assign_in_layer(s, 0, "user-7", false).slot == hash_v1("checkout", "user-7") % 7);
}

}  // namespace
}  // namespace expt
