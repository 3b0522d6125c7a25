#include "core/assign/hash.h"

#include <cstring>

// The header-only mode of the packaged xxHash lets the compiler inline XXH64 into the hot path.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace expt {

uint64_t hash_v1(std::string_view salt, std::string_view entity_id) noexcept {
  // Concatenate on the stack: the one-shot XXH64 is several times faster than streaming for
  // short keys. Longer keys stream, which hashes the same bytes to the same value.
  constexpr size_t k_stack_bytes = 256;
  const size_t total = salt.size() + 1 + entity_id.size();
  if (total <= k_stack_bytes) {
    char buffer[k_stack_bytes];
    std::memcpy(buffer, salt.data(), salt.size());
    buffer[salt.size()] = ':';
    if (!entity_id.empty()) {
      std::memcpy(buffer + salt.size() + 1, entity_id.data(), entity_id.size());
    }
    return XXH64(buffer, total, 0);
  }
  XXH64_state_t state;
  XXH64_reset(&state, 0);
  XXH64_update(&state, salt.data(), salt.size());
  XXH64_update(&state, ":", 1);
  XXH64_update(&state, entity_id.data(), entity_id.size());
  return XXH64_digest(&state);
}

std::optional<HashVersion> hash_version_from_number(int64_t number) {
  if (number == static_cast<int64_t>(HashVersion::v1)) return HashVersion::v1;
  return std::nullopt;
}

}  // namespace expt
