#include "core/plan/allocation_plan.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace expt {

Result<AllocationPlan> plan_allocation(const RegistryState& state, std::span<const std::string> keys, bool all,
                                       const AuditStamp& stamp) {
  AllocationPlan plan;
  std::vector<const ExperimentRecord*> pending;
  if (all) {
    for (const ExperimentRecord& e : state.experiments) {
      if (e.status == ExperimentStatus::draft && !e.slots) pending.push_back(&e);
    }
  }
  for (const std::string& key : keys) {
    const ExperimentRecord* e = state.find_experiment(key);
    if (e == nullptr) return unknown_experiment(state, key);
    if (e->status == ExperimentStatus::archived) {
      return Error::conflict(fmt::format("experiment '{}' is archived; archived experiments do not hold slots", key));
    }
    if (e->slots) {
      const NamespaceRecord* ns = state.find_namespace(e->spec.namespace_key);
      plan.items.push_back(AllocationItem{key, e->spec.namespace_key, *e->slots, ns ? ns->spec.total_slots : 0, true});
      continue;
    }
    if (std::find(pending.begin(), pending.end(), e) == pending.end()) pending.push_back(e);
  }

  // Resolve sizes first so the ordering below can use them.
  std::map<const ExperimentRecord*, uint32_t> sizes;
  for (const ExperimentRecord* e : pending) {
    const NamespaceRecord* ns = state.find_namespace(e->spec.namespace_key);
    if (ns == nullptr) return unknown_namespace(state, e->spec.namespace_key);
    auto count = requested_slot_count(e->spec.traffic, ns->spec.total_slots);
    if (!count) {
      return Error::conflict(fmt::format("experiment '{}' asks for {} of namespace '{}' ({} slots), which is not a "
                                         "whole number of slots",
                                         e->spec.key, describe(e->spec.traffic), ns->spec.key, ns->spec.total_slots));
    }
    sizes[e] = *count;
  }
  std::stable_sort(pending.begin(), pending.end(), [&](const ExperimentRecord* a, const ExperimentRecord* b) {
    bool a_fixed = a->spec.traffic.kind == TrafficRequest::Kind::range;
    bool b_fixed = b->spec.traffic.kind == TrafficRequest::Kind::range;
    if (a_fixed != b_fixed) return a_fixed;
    if (sizes[a] != sizes[b]) return sizes[a] > sizes[b];
    return a->spec.key < b->spec.key;
  });

  // Claims made by this plan count for the experiments placed after them.
  std::map<std::string, std::vector<SlotClaim>, std::less<>> claims;
  for (const ExperimentRecord* e : pending) {
    const std::string& ns_key = e->spec.namespace_key;
    if (!claims.contains(ns_key)) claims[ns_key] = state.claims_in(ns_key);
    std::vector<SlotClaim>& held = claims[ns_key];
    const uint32_t total = state.find_namespace(ns_key)->spec.total_slots;
    Result<SlotRange> range = e->spec.traffic.kind == TrafficRequest::Kind::range
                                  ? claim_range(total, held, e->spec.traffic.range, e->spec.key, ns_key)
                                  : place_slots(total, held, sizes[e], e->spec.key, ns_key);
    if (!range) return std::move(range).error();
    held.push_back(SlotClaim{*range, e->spec.key});
    plan.items.push_back(AllocationItem{e->spec.key, ns_key, *range, total, false});

    ExperimentRecord record = *e;
    record.slots = *range;
    record.updated_at = stamp.at;
    plan.changes.experiments.push_back(std::move(record));
    plan.changes.audit.push_back(AuditEntry{
        0, stamp.at, stamp.actor, "allocate", "experiment", e->spec.key,
        nlohmann::json{{"namespace", ns_key}, {"slot_start", range->start}, {"slot_end", range->end}}});
  }
  return plan;
}

}  // namespace expt
