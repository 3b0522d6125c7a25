#include "core/ingest/fingerprint_set.h"

#include <algorithm>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace expt {

namespace {
// Exactly the room for load 3/4: a power of two would leave the table between 3/8 and 3/4
// full, up to twice the memory (1.07 GB instead of 0.65 GB for 30 M events).
size_t capacity_for(size_t count) { return std::max<size_t>(4096, count / 3 * 4 + 4); }
}  // namespace

void FingerprintSet::reserve(size_t count) {
  const size_t capacity = capacity_for(count);
  if (capacity > m_table.size()) grow(capacity);
}

size_t FingerprintSet::memory_bytes_for(size_t count) { return capacity_for(count) * sizeof(Slot); }

void FingerprintSet::grow(size_t capacity) {
  ZeroedArray<Slot> table(capacity);
  for (const Slot& e : m_table) {
    if (e.empty()) continue;
    size_t slot = home(e.low(), table.size());
    while (!table[slot].empty()) slot = slot + 1 == table.size() ? 0 : slot + 1;
    table[slot] = e;
  }
  m_table = std::move(table);
}

FingerprintSet::Fingerprint FingerprintSet::fingerprint(std::string_view id) {
  XXH128_hash_t h = XXH3_128bits(id.data(), id.size());
  Fingerprint key{h.low64, h.high64};
  if (key.low == 0 && static_cast<uint32_t>(key.high) == 0) key.high |= 1;  // keep the empty marker free
  return key;
}

bool FingerprintSet::insert(Fingerprint key) {
  if ((m_size + 1) * 4 > m_table.size() * 3) grow(m_table.empty() ? 4096 : m_table.size() * 2);  // load <= 3/4
  if (key.low == 0 && static_cast<uint32_t>(key.high) == 0) key.high |= 1;  // as fingerprint() does
  size_t slot = home(key, m_table.size());
  for (;;) {
    Slot& e = m_table[slot];
    if (e.empty()) {
      e = Slot::of(key);
      ++m_size;
      return true;
    }
    if (e.holds(key)) return false;
    slot = slot + 1 == m_table.size() ? 0 : slot + 1;
  }
}

}  // namespace expt
