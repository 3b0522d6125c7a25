#include "core/assign/content_hash.h"

#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <vector>

#define XXH_STATIC_LINKING_ONLY  // XXH3_state_t, for hashing a file in blocks
#include <xxhash.h>

namespace expt {

namespace {

std::string format_hash(const XXH128_hash_t& h) {
  char text[48];
  std::snprintf(text, sizeof text, "%.*s%016" PRIx64 "%016" PRIx64, static_cast<int>(k_content_hash_prefix.size()),
                k_content_hash_prefix.data(), static_cast<uint64_t>(h.high64), static_cast<uint64_t>(h.low64));
  return text;
}

}  // namespace

std::string content_hash_of(std::string_view bytes) { return format_hash(XXH3_128bits(bytes.data(), bytes.size())); }

std::optional<std::string> file_content_hash(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  XXH3_state_t state;
  XXH3_128bits_reset(&state);
  std::vector<char> block(size_t{1} << 20);
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    XXH3_128bits_update(&state, block.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return std::nullopt;
  return format_hash(XXH3_128bits_digest(&state));
}

}  // namespace expt
