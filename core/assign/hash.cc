#include "core/assign/hash.h"

#include <bit>
#include <cstring>

// The header-only mode of the packaged xxHash lets the compiler inline XXH64 into the hot path.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace expt {
namespace {

// XXH64 over the bytes of salt, ':' and the ID, read in place. Joining them in a buffer first
// cost more than the hash: XXH64's 8-byte loads straddle the copies' stores and cannot be
// forwarded from them, so each load waited for the stores to retire (20.5 ns per hash against
// 8.9 ns for XXH64 over an already joined key). This follows XXH64_endian_align and
// XXH64_finalize of xxHash 0.8 step by step; tests/core/assign/hash_test.cc checks it against
// the library's XXH64 on every salt and ID length up to 80 and on long keys.
class JoinedKey {
 public:
  JoinedKey(std::string_view salt, std::string_view id) : m_salt(salt), m_id(id) {}

  size_t size() const { return m_salt.size() + 1 + m_id.size(); }

  // The little-endian value of the `width` (at most 8) bytes at `offset`.
  uint64_t read(size_t offset, size_t width) const {
    const size_t s = m_salt.size();
    if (offset + width <= s) return load(m_salt.data() + offset, width);
    if (offset > s) return load(m_id.data() + (offset - s - 1), width);
    const size_t before = s - offset;  // salt bytes ahead of the colon in this word
    uint64_t value = load(m_salt.data() + offset, before) | (uint64_t{':'} << (8 * before));
    const size_t after = width - before - 1;
    if (after > 0) value |= load(m_id.data(), after) << (8 * (before + 1));
    return value;
  }

 private:
  // Never reads outside [p, p + n): two overlapping 4-byte loads cover 4 to 7 bytes.
  static uint64_t load(const char* p, size_t n) {
    if (n == 8) {
      uint64_t v;
      std::memcpy(&v, p, 8);
      return v;
    }
    if (n >= 4) {
      uint32_t low, high;
      std::memcpy(&low, p, 4);
      std::memcpy(&high, p + n - 4, 4);
      return low | (uint64_t{high} << (8 * (n - 4)));
    }
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= uint64_t{static_cast<uint8_t>(p[i])} << (8 * i);
    return v;
  }

  std::string_view m_salt;
  std::string_view m_id;
};

constexpr uint64_t k_p1 = XXH_PRIME64_1, k_p2 = XXH_PRIME64_2, k_p3 = XXH_PRIME64_3,
                   k_p4 = XXH_PRIME64_4, k_p5 = XXH_PRIME64_5;

inline uint64_t round(uint64_t acc, uint64_t input) {
  return std::rotl(acc + input * k_p2, 31) * k_p1;
}
inline uint64_t merge_round(uint64_t acc, uint64_t value) {
  return (acc ^ round(0, value)) * k_p1 + k_p4;
}

uint64_t xxh64_joined(const JoinedKey& key) {
  const size_t total = key.size();
  size_t at = 0;
  uint64_t h;
  if (total >= 32) {
    uint64_t v1 = k_p1 + k_p2, v2 = k_p2, v3 = 0, v4 = 0 - k_p1;
    do {
      v1 = round(v1, key.read(at, 8));
      v2 = round(v2, key.read(at + 8, 8));
      v3 = round(v3, key.read(at + 16, 8));
      v4 = round(v4, key.read(at + 24, 8));
      at += 32;
    } while (at + 32 <= total);
    h = std::rotl(v1, 1) + std::rotl(v2, 7) + std::rotl(v3, 12) + std::rotl(v4, 18);
    h = merge_round(merge_round(merge_round(merge_round(h, v1), v2), v3), v4);
  } else {
    h = k_p5;
  }
  h += total;
  for (; at + 8 <= total; at += 8) h = std::rotl(h ^ round(0, key.read(at, 8)), 27) * k_p1 + k_p4;
  if (at + 4 <= total) {
    h = std::rotl(h ^ key.read(at, 4) * k_p1, 23) * k_p2 + k_p3;
    at += 4;
  }
  for (; at < total; ++at) h = std::rotl(h ^ key.read(at, 1) * k_p5, 11) * k_p1;
  h ^= h >> 33;
  h *= k_p2;
  h ^= h >> 29;
  h *= k_p3;
  h ^= h >> 32;
  return h;
}

}  // namespace

uint64_t hash_v1(std::string_view salt, std::string_view entity_id) noexcept {
  if constexpr (std::endian::native == std::endian::little) {
    return xxh64_joined(JoinedKey(salt, entity_id));
  } else {
    XXH64_state_t state;
    XXH64_reset(&state, 0);
    XXH64_update(&state, salt.data(), salt.size());
    XXH64_update(&state, ":", 1);
    XXH64_update(&state, entity_id.data(), entity_id.size());
    return XXH64_digest(&state);
  }
}

std::optional<HashVersion> hash_version_from_number(int64_t number) {
  if (number == static_cast<int64_t>(HashVersion::v1)) return HashVersion::v1;
  return std::nullopt;
}

}  // namespace expt
