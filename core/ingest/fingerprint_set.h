#pragma once
// Remembers which event IDs have been seen, to drop a producer's retries, without keeping the
// IDs: each is reduced to its 128-bit XXH3 fingerprint, of which 96 bits are kept (two distinct
// IDs collide with probability about n^2 / 2^97, 6e-14 for 100 M events). Five fingerprints
// share a 64-byte bucket, one cache line, probed linearly at load factor at most 4/5: an insert
// reads 1.2 lines on average where 12-byte slots probed one by one read 1.4 (they straddle
// lines), for the same 16 bytes per fingerprint. Sized exactly when the count is known
// (reserve): ten million IDs take 160 MB. Not thread-safe.

#include <cstdint>
#include <string_view>

#include "core/ingest/zeroed_array.h"

namespace expt {

class FingerprintSet {
 public:
  struct Fingerprint {
    uint64_t low = 0;
    uint64_t high = 0;  // only its low 32 bits are kept (see Bucket)
  };
  static Fingerprint fingerprint(std::string_view id);

  // True when `id` was not seen before (and remembers it); false for a repeat.
  bool insert(std::string_view id) { return insert(fingerprint(id)); }
  bool insert(Fingerprint key);
  // For pipelined inserts: prefetch the bucket a fingerprint probes first.
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
  size_t memory_bytes() const { return m_table.size() * sizeof(Bucket); }
  // The table's bytes after reserve(count).
  static size_t memory_bytes_for(size_t count);

 private:
  // The first bucket probed: the fingerprint's low word scaled to [0, buckets) by a multiply
  // (Lemire's fast range), so the number of buckets need not be a power of two.
  static size_t home(uint64_t low, size_t buckets) {
    __extension__ typedef unsigned __int128 uint128;
    return static_cast<size_t>((static_cast<uint128>(low) * buckets) >> 64);
  }
  static size_t home(const Fingerprint& key, size_t buckets) { return home(key.low, buckets); }
  // 96 of the fingerprint's 128 bits, as three 4-byte words: the low word, then the high word's
  // low half. A bucket's slots fill from the first; one that is full sends probes on to the
  // next (nothing is ever removed, so a bucket with room ends a probe).
  static constexpr uint32_t k_slots = 5;
  struct alignas(64) Bucket {
    uint32_t words[k_slots][3];
    uint32_t used;
  };
  static_assert(sizeof(Bucket) == 64);
  static uint64_t low_of(const uint32_t (&words)[3]) { return words[0] | uint64_t{words[1]} << 32; }
  void grow(size_t buckets);

  ZeroedArray<Bucket> m_table;
  size_t m_size = 0;
};

}  // namespace expt
