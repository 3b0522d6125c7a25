#pragma once
// Plans `expt allocate`: claims slots for experiments in the registry. Explicit ranges are
// placed first (they cannot move), then the largest requests, then by key, each by best fit
// (core/registry/slot_allocator.h). All or nothing: if one experiment cannot be placed, nothing is.

#include <span>
#include <string>
#include <vector>

#include "core/registry/state.h"

namespace expt {

struct AllocationItem {
  std::string experiment;
  std::string namespace_key;
  SlotRange range;
  uint32_t total_slots = 0;
  bool already_allocated = false;  // reported, not changed
};

struct AllocationPlan {
  std::vector<AllocationItem> items;  // in placement order
  ChangeSet changes;
};

// Plans slots for `keys`, or with `all` for every draft without slots. Errors: not_found for an
// unknown key; conflict for an archived experiment, an overlap, an over-subscribed or
// fragmented namespace (the message names the free ranges).
Result<AllocationPlan> plan_allocation(const RegistryState& state, std::span<const std::string> keys, bool all,
                                       const AuditStamp& stamp);

}  // namespace expt
