#pragma once
// Interns entity IDs into dense indexes 0, 1, 2, ... so per-entity data can live in flat arrays.
// IDs are opaque byte strings ("007" and "7" differ). Open addressing over XXH3 hashes; a slot
// holds the full hash, the index and the ID itself when it fits in 16 bytes (else its place in
// an arena), so a lookup usually touches one cache line. 43 to 85 bytes per entity (32-byte
// slots at load factor 3/8 to 3/4). Not thread-safe.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/ingest/zeroed_array.h"

namespace expt {

class EntityIndex {
 public:
  static constexpr uint32_t k_absent = UINT32_MAX;

  // The index of `id`, adding it when new; the second form takes hash(id), already computed.
  uint32_t intern(std::string_view id) { return intern(id, hash(id)); }
  uint32_t intern(std::string_view id, uint64_t hash);
  // The index of `id`, or k_absent.
  uint32_t find(std::string_view id) const;

  // For pipelined lookups and inserts: hash an ID once, prefetch its slot, then find or intern it.
  static uint64_t hash(std::string_view id);
  void prefetch(uint64_t hash) const {
    if (!m_slots.empty()) __builtin_prefetch(&m_slots[hash & (m_slots.size() - 1)]);
  }
  uint32_t find(std::string_view id, uint64_t hash) const;
  uint32_t size() const { return m_size; }

 private:
  static constexpr size_t k_inline = 16;
  struct Slot {
    uint64_t hash = 0;
    uint32_t index_plus_one = 0;  // 0: empty
    uint32_t length = 0;
    union {
      char bytes[k_inline];
      uint64_t offset;  // into m_arena, for longer IDs
    };
  };
  bool matches(const Slot& slot, std::string_view id, uint64_t hash) const {
    if (slot.hash != hash || slot.length != id.size()) return false;
    const char* stored = slot.length <= k_inline ? slot.bytes : m_arena.data() + slot.offset;
    return std::memcmp(stored, id.data(), id.size()) == 0;
  }
  size_t probe(std::string_view id, uint64_t hash) const;  // the slot holding id, or the empty one to use
  void grow();

  ZeroedArray<Slot> m_slots;
  uint32_t m_size = 0;
  std::string m_arena;  // IDs longer than k_inline
};

}  // namespace expt
