#pragma once
// Remembers which event IDs have been seen, to drop a producer's retries, without keeping the
// IDs: each is reduced to its 128-bit XXH3 fingerprint (16 bytes; two distinct IDs collide with
// probability about n^2 / 2^129, about 1e-25 for ten million events). Open addressing at load
// factor at most 3/4: ten million IDs take 268 MB. Not thread-safe.

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
    if (!m_table.empty()) __builtin_prefetch(&m_table[key.low & (m_table.size() - 1)]);
  }
  // Makes room for `count` fingerprints without rehashing.
  void reserve(size_t count);
  size_t size() const { return m_size; }

 private:
  void grow(size_t capacity);

  ZeroedArray<Fingerprint> m_table;
  size_t m_size = 0;
};

}  // namespace expt
