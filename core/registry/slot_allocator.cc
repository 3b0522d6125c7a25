#include "core/registry/slot_allocator.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/base/finding_codes.h"

namespace expt {

std::vector<SlotRange> free_ranges(uint32_t total_slots, std::span<const SlotClaim> claims) {
  std::vector<SlotRange> taken;
  for (const SlotClaim& c : claims) taken.push_back(c.range);
  std::sort(taken.begin(), taken.end(), [](const SlotRange& a, const SlotRange& b) { return a.start < b.start; });
  std::vector<SlotRange> result;
  uint32_t next = 0;  // first slot not yet known to be taken
  for (const SlotRange& r : taken) {
    if (r.start > next) result.push_back(SlotRange{next, r.start - 1});
    next = std::max(next, r.end + 1);
  }
  if (next < total_slots) result.push_back(SlotRange{next, total_slots - 1});
  return result;
}

std::string describe_ranges(std::span<const SlotRange> ranges) {
  if (ranges.empty()) return "none";
  std::string out;
  for (const SlotRange& r : ranges) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{} ({})", to_string(r), r.size());
  }
  return out;
}

Result<SlotRange> place_slots(uint32_t total_slots, std::span<const SlotClaim> claims, uint32_t count,
                              std::string_view requester, std::string_view namespace_key) {
  std::vector<SlotRange> free = free_ranges(total_slots, claims);
  const SlotRange* best = nullptr;
  uint64_t free_total = 0;
  for (const SlotRange& r : free) {
    free_total += r.size();
    if (r.size() >= count && (best == nullptr || r.size() < best->size())) best = &r;
  }
  if (best != nullptr) return SlotRange{best->start, best->start + count - 1};
  if (free_total < count) {
    return Error::conflict(
        fmt::format("namespace '{}' cannot fit '{}': it needs {} slots but only {} of {} are free; free: {}",
                    namespace_key, requester, count, free_total, total_slots, describe_ranges(free)),
        std::string(code::namespace_oversubscribed));
  }
  return Error::conflict(
      fmt::format("namespace '{}' has {} free slots but no contiguous run of {} for '{}'; free: {}",
                  namespace_key, free_total, count, requester, describe_ranges(free)),
      std::string(code::slots_fragmented));
}

Result<SlotRange> claim_range(uint32_t total_slots, std::span<const SlotClaim> claims, SlotRange range,
                              std::string_view requester, std::string_view namespace_key) {
  if (range.end >= total_slots) {
    return Error::conflict(fmt::format("range [{}, {}] of '{}' lies outside namespace '{}' (slots 0-{})",
                                       range.start, range.end, requester, namespace_key, total_slots - 1),
                           std::string(code::range_out_of_bounds));
  }
  for (const SlotClaim& c : claims) {
    if (c.range.overlaps(range)) {
      return Error::conflict(fmt::format("slots {} requested by '{}' overlap '{}' (slots {}) in namespace '{}'",
                                         to_string(range), requester, c.owner, to_string(c.range),
                                         namespace_key),
                             std::string(code::slot_overlap));
    }
  }
  return range;
}

}  // namespace expt
