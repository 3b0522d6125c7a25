#pragma once
// Maps entity IDs to dense indexes 0, 1, 2, ... so per-entity data can live in flat arrays.
// The IDs themselves are kept by the owner, in the per-entity record it reads anyway (the
// exposure table's), and compared there: a lookup reads one 8-byte slot here, usually in one
// cache line, then that record, instead of a wider slot that spans two lines as the table fills.
// A slot holds 32 bits of the ID's hash and its index, at load factor at most 1/2 (16 to 32
// bytes per entity). IDs are opaque byte strings ("007" and "7" differ). Not thread-safe.

#include <cstdint>
#include <string_view>

#include "core/ingest/zeroed_array.h"

namespace expt {

class EntityIndex {
 public:
  static constexpr uint32_t k_absent = UINT32_MAX;

  static uint64_t hash(std::string_view id);
  // For pipelined lookups: prefetch the slot a hash probes first.
  void prefetch(uint64_t hash) const {
    if (!m_slots.empty()) __builtin_prefetch(&m_slots[home(tag(hash), m_slots.size())]);
  }
  // The first index whose hash may be `hash`, or k_absent when no ID has it: for a pipeline
  // that prefetches the candidate's record and checks the ID there later, calling find only
  // when it is another ID's.
  uint32_t candidate(uint64_t hash) const {
    return find(hash, [](uint32_t) { return true; });
  }
  // The index of the ID hashing to `hash` for which is_id(index) is true, or k_absent.
  template <typename IsId>
  uint32_t find(uint64_t hash, IsId&& is_id) const {
    if (m_slots.empty()) return k_absent;
    return m_slots[probe(hash, is_id)].index_plus_one - 1;  // k_absent from an empty slot
  }
  // find, or else gives the ID the index size() (the owner then stores it under that index).
  template <typename IsId>
  uint32_t intern(uint64_t hash, IsId&& is_id) {
    if ((size_t{m_size} + 1) * 2 > m_slots.size()) grow();
    Slot& s = m_slots[probe(hash, is_id)];
    if (s.index_plus_one == 0) s = Slot{tag(hash), ++m_size};
    return s.index_plus_one - 1;
  }
  uint32_t size() const { return m_size; }
  size_t memory_bytes() const { return m_slots.size() * sizeof(Slot); }

 private:
  struct Slot {
    uint32_t tag = 0;             // the hash's low 32 bits
    uint32_t index_plus_one = 0;  // 0: empty
  };
  static uint32_t tag(uint64_t hash) { return static_cast<uint32_t>(hash); }
  // The first slot probed, from the tag alone (scaled to [0, slots) by a multiply), so the table
  // can grow without the IDs being hashed again.
  static size_t home(uint32_t tag, size_t slots) { return static_cast<size_t>((uint64_t{tag} * slots) >> 32); }
  size_t next(size_t slot) const { return slot + 1 == m_slots.size() ? 0 : slot + 1; }
  // The slot holding the ID hashing to `hash` for which is_id holds, or the empty slot that ends
  // its probe. The table must not be empty.
  template <typename IsId>
  size_t probe(uint64_t hash, IsId& is_id) const {
    const uint32_t t = tag(hash);
    size_t slot = home(t, m_slots.size());
    while (m_slots[slot].index_plus_one != 0 && !(m_slots[slot].tag == t && is_id(m_slots[slot].index_plus_one - 1))) {
      slot = next(slot);
    }
    return slot;
  }
  void grow();

  ZeroedArray<Slot> m_slots;
  uint32_t m_size = 0;
};

}  // namespace expt
