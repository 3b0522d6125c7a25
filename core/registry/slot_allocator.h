#pragma once
// Slot placement within one namespace. Pure: given the namespace size, the claims already
// made and a request, it returns the slots to claim or an Error that names the collision or
// the free ranges. Placement is best fit: the smallest free run that holds the request, lowest
// start on ties, placed at the run's start. Best fit keeps long runs whole for later large
// requests, which limits fragmentation (docs/allocation.md).

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/assign/slot_range.h"
#include "core/base/error.h"

namespace expt {

struct SlotClaim {
  SlotRange range;
  std::string owner;  // experiment key
};

// The runs of [0, total_slots) that no claim covers, in slot order.
std::vector<SlotRange> free_ranges(uint32_t total_slots, std::span<const SlotClaim> claims);

// "0-99 (100), 500-999 (500)", or "none" when empty.
std::string describe_ranges(std::span<const SlotRange> ranges);

// Best-fit placement of `count` slots for `requester` in namespace `namespace_key`. Errors:
// E102 namespace-oversubscribed when fewer than `count` slots are free in total; E103
// slots-fragmented when enough are free but no run is long enough. Both list the free ranges.
Result<SlotRange> place_slots(uint32_t total_slots, std::span<const SlotClaim> claims, uint32_t count,
                              std::string_view requester, std::string_view namespace_key);

// Checks an explicit range. Errors: E104 range-out-of-bounds when it leaves [0, total_slots);
// E101 slot-overlap naming the first claim it overlaps.
Result<SlotRange> claim_range(uint32_t total_slots, std::span<const SlotClaim> claims, SlotRange range,
                              std::string_view requester, std::string_view namespace_key);

}  // namespace expt
