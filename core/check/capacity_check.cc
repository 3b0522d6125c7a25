#include "core/check/capacity_check.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "core/base/finding_codes.h"
#include "core/registry/slot_allocator.h"

namespace expt {

namespace {

struct Request {
  const ExperimentSpec* spec;
  uint32_t size;
};

// The namespaces specs may refer to, by key: the specs' own first, then the registry's.
std::map<std::string, uint32_t, std::less<>> namespace_sizes(const SpecSet& specs, const RegistryState& existing) {
  std::map<std::string, uint32_t, std::less<>> sizes;
  for (const NamespaceSpec& n : specs.namespaces) sizes.emplace(n.key, n.total_slots);
  for (const NamespaceRecord& r : existing.namespaces) sizes.emplace(r.spec.key, r.spec.total_slots);
  return sizes;
}

void check_namespace(const std::string& ns, uint32_t total, std::vector<SlotClaim> claims,
                     std::vector<Request> requests, std::vector<Error>& out) {
  std::stable_sort(requests.begin(), requests.end(), [](const Request& a, const Request& b) {
    bool a_fixed = a.spec->traffic.kind == TrafficRequest::Kind::range;
    bool b_fixed = b.spec->traffic.kind == TrafficRequest::Kind::range;
    if (a_fixed != b_fixed) return a_fixed;
    if (a.size != b.size) return a.size > b.size;
    return a.spec->key < b.spec->key;
  });
  uint64_t asked = 0;
  std::string competitors;
  for (const SlotClaim& c : claims) {
    asked += c.range.size();
    competitors += fmt::format("{}{} {} (allocated)", competitors.empty() ? "" : ", ", c.owner, c.range.size());
  }
  for (const Request& r : requests) {
    asked += r.size;
    competitors += fmt::format("{}{} {}", competitors.empty() ? "" : ", ", r.spec->key, r.size);
  }
  const bool oversubscribed = asked > total;

  for (const Request& r : requests) {
    const SourceLocation& at = field_location(r.spec->fields, "traffic", r.spec->location);
    Result<SlotRange> placed = r.spec->traffic.kind == TrafficRequest::Kind::range
                                   ? claim_range(total, claims, r.spec->traffic.range, r.spec->key, ns)
                                   : place_slots(total, claims, r.size, r.spec->key, ns);
    if (placed) {
      claims.push_back(SlotClaim{*placed, r.spec->key});
      continue;
    }
    if (placed.error().code == code::slot_overlap || placed.error().code == code::range_out_of_bounds) continue;
    if (oversubscribed) {
      out.push_back(Error::invalid(
          fmt::format("namespace '{}' is over-subscribed: experiments ask for {} of its {} slots ({} too many): {}", ns,
                      asked, total, asked - total, competitors),
          at, "traffic", std::string(code::namespace_oversubscribed)));
      return;
    }
    out.push_back(Error::invalid(placed.error().message, at, "traffic", std::string(code::slots_fragmented)));
  }
}

}  // namespace

std::vector<Error> check_capacity(const SpecSet& specs, const RegistryState& existing) {
  std::vector<Error> out;
  const auto sizes = namespace_sizes(specs, existing);
  std::map<std::string, const ExperimentSpec*, std::less<>> in_specs;
  for (const ExperimentSpec& e : specs.experiments) in_specs.emplace(e.key, &e);

  std::map<std::string, std::vector<SlotClaim>, std::less<>> claims;
  std::map<std::string, std::vector<Request>, std::less<>> requests;
  for (const ExperimentRecord& r : existing.experiments) {
    if (r.claims_slots() && !in_specs.contains(r.spec.key)) {
      claims[r.spec.namespace_key].push_back(SlotClaim{*r.slots, r.spec.key});
    }
  }
  for (const ExperimentSpec& e : specs.experiments) {
    auto ns = sizes.find(e.namespace_key);
    if (ns == sizes.end()) continue;  // unknown namespace: reported by the validator
    auto size = requested_slot_count(e.traffic, ns->second);
    if (!size || *size > ns->second) continue;  // reported by the validator
    const ExperimentRecord* stored = existing.find_experiment(e.key);
    if (stored && stored->status == ExperimentStatus::archived) continue;
    if (stored && stored->claims_slots() && stored->spec.namespace_key == e.namespace_key &&
        stored->slots->size() == *size &&
        (e.traffic.kind != TrafficRequest::Kind::range || e.traffic.range == *stored->slots)) {
      claims[e.namespace_key].push_back(SlotClaim{*stored->slots, e.key});
      continue;
    }
    requests[e.namespace_key].push_back(Request{&e, *size});
  }
  for (auto& [ns, list] : requests) {
    check_namespace(ns, sizes.at(ns), claims[ns], std::move(list), out);
  }
  return out;
}

}  // namespace expt
