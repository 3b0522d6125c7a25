#pragma once
// Interns entity IDs into dense indexes 0, 1, 2, ... so per-entity data can live in flat arrays.
// IDs are opaque byte strings ("007" and "7" differ). Open addressing over XXH3 hashes with the
// bytes kept in one arena: about 40 bytes per entity plus the ID itself. Not thread-safe.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace expt {

class EntityIndex {
 public:
  static constexpr uint32_t k_absent = UINT32_MAX;

  // The index of `id`, adding it when new.
  uint32_t intern(std::string_view id);
  // The index of `id`, or k_absent.
  uint32_t find(std::string_view id) const;
  std::string_view id(uint32_t index) const;
  uint32_t size() const { return static_cast<uint32_t>(m_offsets.size()); }

 private:
  uint32_t lookup(std::string_view id, uint64_t hash, size_t& slot) const;
  void grow();

  std::vector<uint32_t> m_slots;  // index + 1; 0 is empty
  std::vector<uint64_t> m_hashes;  // per index
  std::vector<uint64_t> m_offsets;  // per index: start in m_arena
  std::vector<uint32_t> m_lengths;  // per index
  std::string m_arena;
};

}  // namespace expt
