#include "core/ingest/entity_index.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace expt {

uint64_t EntityIndex::hash(std::string_view id) { return XXH3_64bits(id.data(), id.size()); }

uint32_t EntityIndex::candidate(uint64_t hash) const {
  if (m_slots.empty()) return k_absent;
  const uint32_t t = tag(hash);
  for (size_t slot = home(t, m_slots.size());; slot = next(slot)) {
    const Slot& s = m_slots[slot];
    if (s.index_plus_one == 0) return k_absent;
    if (s.tag == t) return s.index_plus_one - 1;
  }
}

void EntityIndex::grow() {
  ZeroedArray<Slot> slots(m_slots.empty() ? 1024 : m_slots.size() * 2);
  for (const Slot& s : m_slots) {
    if (s.index_plus_one == 0) continue;
    size_t slot = home(s.tag, slots.size());
    while (slots[slot].index_plus_one != 0) slot = slot + 1 == slots.size() ? 0 : slot + 1;
    slots[slot] = s;
  }
  m_slots = std::move(slots);
}

}  // namespace expt
