#pragma once
// Remembers which event IDs have been seen, to drop a producer's retries, without keeping the
// IDs: each is reduced to its 128-bit XXH3 fingerprint (16 bytes; two distinct IDs collide with
// probability about n^2 / 2^129, about 1e-25 for ten million events). Open addressing at load
// factor at most 3/4: ten million IDs take 268 MB. Not thread-safe.

#include <cstdint>
#include <string_view>
#include <vector>

namespace expt {

class FingerprintSet {
 public:
  // True when `id` was not seen before (and remembers it); false for a repeat.
  bool insert(std::string_view id);
  size_t size() const { return m_size; }
  size_t memory_bytes() const { return m_table.size() * sizeof(Entry); }

 private:
  struct Entry {
    uint64_t low = 0;
    uint64_t high = 0;  // both 0: empty
  };
  void grow();

  std::vector<Entry> m_table;
  size_t m_size = 0;
};

}  // namespace expt
