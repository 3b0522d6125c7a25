#pragma once
// A contiguous run of namespace slots, inclusive at both ends: [0, 99] is 100 slots. Inclusive
// bounds match the registry columns slot_start/slot_end and SQL's BETWEEN.

#include <cstdint>
#include <string>

namespace expt {

struct SlotRange {
  uint32_t start = 0;
  uint32_t end = 0;  // inclusive; start <= end

  uint32_t size() const { return end - start + 1; }
  bool contains(uint32_t slot) const { return slot >= start && slot <= end; }
  bool overlaps(const SlotRange& other) const { return start <= other.end && other.start <= end; }
  bool operator==(const SlotRange&) const = default;
};

// "0-99", the form used in every message and table.
inline std::string to_string(const SlotRange& range) {
  return std::to_string(range.start) + "-" + std::to_string(range.end);
}

}  // namespace expt
