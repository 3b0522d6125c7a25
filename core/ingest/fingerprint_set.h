#pragma once
// Remembers which event IDs have been seen, to drop a producer's retries, without keeping the
// IDs: each is reduced to its 128-bit XXH3 fingerprint (16 bytes; two distinct IDs collide with
// probability about n^2 / 2^97 for the 96 bits kept, 6e-16 for ten million events). Open
// addressing at load factor at most 3/4, sized exactly when the count is known (reserve): ten
// million IDs take 160 MB. Not thread-safe.

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/ingest/zeroed_array.h"

namespace expt {

class FingerprintSet {
 public:
  struct Fingerprint {
    uint64_t low = 0;
    uint64_t high = 0;  // only its low 32 bits are kept (see Slot)
  };
  static Fingerprint fingerprint(std::string_view id);

  // True when `id` was not seen before (and remembers it); false for a repeat.
  bool insert(std::string_view id) { return insert(fingerprint(id)); }
  bool insert(Fingerprint key);
  // For pipelined inserts: prefetch the slot a fingerprint probes first.
  void prefetch(const Fingerprint& key) const {
    if (!m_table.empty()) __builtin_prefetch(&m_table[home(key, m_table.size())]);
  }
  // Which of `partitions` parts a fingerprint belongs to, from bits the table does not keep, so
  // each part's fingerprints spread over its table as evenly as all of them would.
  static int partition(const Fingerprint& key, int partitions) {
    return static_cast<int>(((key.high >> 32) * static_cast<uint64_t>(partitions)) >> 32);
  }
  // Makes room for `count` fingerprints without rehashing.
  void reserve(size_t count);
  // Has the kernel allocate and zero the table's pages now (ZeroedArray::prefault).
  void prefault() { m_table.prefault(); }
  size_t size() const { return m_size; }
  size_t memory_bytes() const { return m_table.size() * sizeof(Slot); }
  // The table's bytes after reserve(count).
  static size_t memory_bytes_for(size_t count);

 private:
  // The first slot probed: the fingerprint's low word scaled to [0, capacity) by a multiply
  // (Lemire's fast range), so the capacity need not be a power of two.
  static size_t home(uint64_t low, size_t capacity) {
    __extension__ typedef unsigned __int128 uint128;
    return static_cast<size_t>((static_cast<uint128>(low) * capacity) >> 64);
  }
  static size_t home(const Fingerprint& key, size_t capacity) { return home(key.low, capacity); }
  // 96 of the fingerprint's 128 bits in 12 bytes (three 4-byte words, so no padding): two
  // distinct IDs still collide with probability about n^2 / 2^97, 6e-14 for 100 M events, and
  // the table is a quarter smaller than with 16-byte slots. All zero: empty.
  struct Slot {
    uint32_t words[3] = {0, 0, 0};
    uint64_t low() const { return words[0] | uint64_t{words[1]} << 32; }
    bool empty() const { return (words[0] | words[1] | words[2]) == 0; }
    bool holds(const Fingerprint& key) const {
      return low() == key.low && words[2] == static_cast<uint32_t>(key.high);
    }
    static Slot of(const Fingerprint& key) {
      return Slot{{static_cast<uint32_t>(key.low), static_cast<uint32_t>(key.low >> 32), static_cast<uint32_t>(key.high)}};
    }
  };
  static_assert(sizeof(Slot) == 12);
  void grow(size_t capacity);

  ZeroedArray<Slot> m_table;
  size_t m_size = 0;
};

}  // namespace expt
