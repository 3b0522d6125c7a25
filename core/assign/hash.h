#pragma once
// The randomization hash. Versioned and frozen: an assignment computed today must be computed
// identically by every future expt, every SDK and every analytics engine, so a changed
// algorithm is a new HashVersion and version 1 is never edited. Contract: docs/hashing.md.

#include <cstdint>
#include <optional>
#include <string_view>

namespace expt {

enum class HashVersion : uint32_t { v1 = 1 };
inline constexpr HashVersion k_current_hash_version = HashVersion::v1;

// Basis points: variant buckets and the global holdout use 10,000 buckets.
inline constexpr uint32_t k_buckets = 10000;

// Version 1: XXH64 with seed 0 over the bytes of `salt`, ":" and `entity_id`, taken as given
// (no trimming, case folding or Unicode normalisation). Never allocates.
uint64_t hash_v1(std::string_view salt, std::string_view entity_id) noexcept;

// The hash of `version`; total over the enum, so callers validate versions at the edge.
inline uint64_t unit_hash(HashVersion version, std::string_view salt,
                          std::string_view entity_id) noexcept {
  switch (version) {
    case HashVersion::v1:
      break;
  }
  return hash_v1(salt, entity_id);
}

// The known version numbered `number`, or nullopt.
std::optional<HashVersion> hash_version_from_number(int64_t number);

inline uint32_t slot_of(uint64_t hash, uint32_t total_slots) {
  return static_cast<uint32_t>(hash % total_slots);
}
inline uint32_t bucket_of(uint64_t hash) { return static_cast<uint32_t>(hash % k_buckets); }

}  // namespace expt
