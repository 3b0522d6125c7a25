#include "core/entity_index.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace expt {

uint32_t EntityIndex::lookup(std::string_view id, uint64_t hash, size_t& slot) const {
  const size_t mask = m_slots.size() - 1;
  slot = hash & mask;
  for (;;) {
    uint32_t entry = m_slots[slot];
    if (entry == 0) return k_absent;
    uint32_t index = entry - 1;
    if (m_hashes[index] == hash && id == this->id(index)) return index;
    slot = (slot + 1) & mask;
  }
}

void EntityIndex::grow() {
  std::vector<uint32_t> slots(m_slots.empty() ? 1024 : m_slots.size() * 2, 0);
  const size_t mask = slots.size() - 1;
  for (uint32_t index = 0; index < size(); ++index) {
    size_t slot = m_hashes[index] & mask;
    while (slots[slot] != 0) slot = (slot + 1) & mask;
    slots[slot] = index + 1;
  }
  m_slots = std::move(slots);
}

uint32_t EntityIndex::intern(std::string_view id) {
  if ((size() + 1) * 2 > m_slots.size()) grow();  // load factor at most 1/2
  const uint64_t hash = XXH3_64bits(id.data(), id.size());
  size_t slot = 0;
  uint32_t found = lookup(id, hash, slot);
  if (found != k_absent) return found;
  const uint32_t index = size();
  m_slots[slot] = index + 1;
  m_hashes.push_back(hash);
  m_offsets.push_back(m_arena.size());
  m_lengths.push_back(static_cast<uint32_t>(id.size()));
  m_arena.append(id);
  return index;
}

uint32_t EntityIndex::find(std::string_view id) const {
  if (m_slots.empty()) return k_absent;
  size_t slot = 0;
  return lookup(id, XXH3_64bits(id.data(), id.size()), slot);
}

std::string_view EntityIndex::id(uint32_t index) const {
  return std::string_view(m_arena.data() + m_offsets[index], m_lengths[index]);
}

}  // namespace expt
