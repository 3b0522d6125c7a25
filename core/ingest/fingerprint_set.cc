#include "core/ingest/fingerprint_set.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace expt {

void FingerprintSet::reserve(size_t count) {
  size_t capacity = m_table.empty() ? 4096 : m_table.size();
  while (count * 4 > capacity * 3) capacity *= 2;
  if (capacity > m_table.size()) grow(capacity);
}

void FingerprintSet::grow(size_t capacity) {
  ZeroedArray<Fingerprint> table(capacity);
  const size_t mask = table.size() - 1;
  for (const Fingerprint& e : m_table) {
    if (e.low == 0 && e.high == 0) continue;
    size_t slot = e.low & mask;
    while (table[slot].low != 0 || table[slot].high != 0) slot = (slot + 1) & mask;
    table[slot] = e;
  }
  m_table = std::move(table);
}

FingerprintSet::Fingerprint FingerprintSet::fingerprint(std::string_view id) {
  XXH128_hash_t h = XXH3_128bits(id.data(), id.size());
  Fingerprint key{h.low64, h.high64};
  if (key.low == 0 && key.high == 0) key.high = 1;  // keep the empty marker free
  return key;
}

bool FingerprintSet::insert(Fingerprint key) {
  if ((m_size + 1) * 4 > m_table.size() * 3) grow(m_table.empty() ? 4096 : m_table.size() * 2);  // load <= 3/4
  const size_t mask = m_table.size() - 1;
  size_t slot = key.low & mask;
  for (;;) {
    Fingerprint& e = m_table[slot];
    if (e.low == 0 && e.high == 0) {
      e = key;
      ++m_size;
      return true;
    }
    if (e.low == key.low && e.high == key.high) return false;
    slot = (slot + 1) & mask;
  }
}

}  // namespace expt
