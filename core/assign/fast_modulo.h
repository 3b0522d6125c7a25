#pragma once
// x mod d by multiplication, for a divisor fixed long before the numerators arrive (a layer's
// slot count): a 64-bit division takes tens of cycles, several times the rest of a slot lookup.
// Exact for every 64-bit x and every d >= 1: Lemire, Kaser and Kurz, "Faster Remainder by Direct
// Computation" (2019), with 128 bits of precision for 64-bit numerators.

#include <cstdint>

namespace expt {

class FastModulo {
 public:
  FastModulo() = default;  // divisor 0: not set up; callers compare divisor() first
  explicit FastModulo(uint32_t divisor)
      : m_multiplier(~uint128{0} / divisor + 1), m_divisor(divisor) {}

  uint32_t divisor() const { return m_divisor; }

  // x % divisor(); divisor() must be at least 1.
  uint32_t of(uint64_t x) const {
    const uint128 low_bits = m_multiplier * x;
    // The high 64 bits of low_bits * divisor, a 192-bit product, taken in two halves.
    const uint128 bottom = (low_bits & ~uint64_t{0}) * m_divisor >> 64;
    const uint128 top = (low_bits >> 64) * m_divisor;
    return static_cast<uint32_t>((bottom + top) >> 64);
  }

 private:
  __extension__ typedef unsigned __int128 uint128;
  uint128 m_multiplier = 0;
  uint32_t m_divisor = 0;
};

}  // namespace expt
