#pragma once
// Remembers which event IDs have been seen, to drop a producer's retries, without keeping the
// IDs: each is reduced to its 128-bit XXH3 fingerprint (16 bytes; two distinct IDs collide with
// probability about n^2 / 2^129, about 1e-25 for ten million events). Open addressing at load
// factor at most 3/4, sized exactly when the count is known (reserve): ten million IDs take
// 213 MB. Not thread-safe.

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/ingest/zeroed_array.h"

namespace expt {

class FingerprintSet {
 public:
  struct Fingerprint {
    uint64_t low = 0;
    uint64_t high = 0;  // both 0: empty
  };
  static Fingerprint fingerprint(std::string_view id);

  // True when `id` was not seen before (and remembers it); false for a repeat.
  bool insert(std::string_view id) { return insert(fingerprint(id)); }
  bool insert(Fingerprint key);
  // For pipelined inserts: prefetch the slot a fingerprint probes first.
  void prefetch(const Fingerprint& key) const {
    if (!m_table.empty()) __builtin_prefetch(&m_table[home(key, m_table.size())]);
  }
  // Makes room for `count` fingerprints without rehashing.
  void reserve(size_t count);
  size_t size() const { return m_size; }

 private:
  // The first slot probed: the fingerprint's low word scaled to [0, capacity) by a multiply
  // (Lemire's fast range), so the capacity need not be a power of two.
  static size_t home(const Fingerprint& key, size_t capacity) {
    __extension__ typedef unsigned __int128 uint128;
    return static_cast<size_t>((static_cast<uint128>(key.low) * capacity) >> 64);
  }
  void grow(size_t capacity);

  ZeroedArray<Fingerprint> m_table;
  size_t m_size = 0;
};

}  // namespace expt
