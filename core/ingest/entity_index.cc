#include "core/ingest/entity_index.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace expt {

uint64_t EntityIndex::hash(std::string_view id) { return XXH3_64bits(id.data(), id.size()); }

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
