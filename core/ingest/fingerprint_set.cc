#include "core/ingest/fingerprint_set.h"

#include <algorithm>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace expt {

namespace {
// Exactly the buckets for load 4/5 (16 bytes a fingerprint): a power of two would leave the
// table between 2/5 and 4/5 full, up to twice the memory.
size_t buckets_for(size_t count) { return std::max<size_t>(256, count / 4 + 1); }
}  // namespace

void FingerprintSet::reserve(size_t count) {
  const size_t buckets = buckets_for(count);
  if (buckets > m_table.size()) grow(buckets);
}

size_t FingerprintSet::memory_bytes_for(size_t count) { return buckets_for(count) * sizeof(Bucket); }

void FingerprintSet::grow(size_t buckets) {
  ZeroedArray<Bucket> table(buckets);
  for (const Bucket& from : m_table) {
    for (uint32_t i = 0; i < from.used; ++i) {
      size_t b = home(low_of(from.words[i]), table.size());
      while (table[b].used == k_slots) b = b + 1 == table.size() ? 0 : b + 1;
      Bucket& to = table[b];
      std::copy(std::begin(from.words[i]), std::end(from.words[i]), to.words[to.used++]);
    }
  }
  m_table = std::move(table);
}

FingerprintSet::Fingerprint FingerprintSet::fingerprint(std::string_view id) {
  XXH128_hash_t h = XXH3_128bits(id.data(), id.size());
  return Fingerprint{h.low64, h.high64};
}

bool FingerprintSet::insert(Fingerprint key) {
  if (m_size + 1 > m_table.size() * 4) grow(m_table.empty() ? 256 : m_table.size() * 2);  // load <= 4/5
  const uint32_t w0 = static_cast<uint32_t>(key.low), w1 = static_cast<uint32_t>(key.low >> 32),
                 w2 = static_cast<uint32_t>(key.high);
  for (size_t b = home(key, m_table.size());; b = b + 1 == m_table.size() ? 0 : b + 1) {
    Bucket& bucket = m_table[b];
    for (uint32_t i = 0; i < bucket.used; ++i) {
      const uint32_t* w = bucket.words[i];
      if (w[0] == w0 && w[1] == w1 && w[2] == w2) return false;
    }
    if (bucket.used < k_slots) {
      uint32_t* w = bucket.words[bucket.used++];
      w[0] = w0;
      w[1] = w1;
      w[2] = w2;
      ++m_size;
      return true;
    }
  }
}

}  // namespace expt
