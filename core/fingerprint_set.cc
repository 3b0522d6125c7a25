#include "core/fingerprint_set.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace expt {

void FingerprintSet::grow() {
  std::vector<Entry> table(m_table.empty() ? 4096 : m_table.size() * 2);
  const size_t mask = table.size() - 1;
  for (const Entry& e : m_table) {
    if (e.low == 0 && e.high == 0) continue;
    size_t slot = e.low & mask;
    while (table[slot].low != 0 || table[slot].high != 0) slot = (slot + 1) & mask;
    table[slot] = e;
  }
  m_table = std::move(table);
}

bool FingerprintSet::insert(std::string_view id) {
  if ((m_size + 1) * 4 > m_table.size() * 3) grow();  // load factor at most 3/4
  XXH128_hash_t h = XXH3_128bits(id.data(), id.size());
  Entry key{h.low64, h.high64};
  if (key.low == 0 && key.high == 0) key.high = 1;  // keep the empty marker free
  const size_t mask = m_table.size() - 1;
  size_t slot = key.low & mask;
  for (;;) {
    Entry& e = m_table[slot];
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
