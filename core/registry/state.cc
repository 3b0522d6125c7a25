#include "core/registry/state.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/base/edit_distance.h"

namespace expt {

namespace {
template <typename Record>
const Record* find_by_key(const std::vector<Record>& records, std::string_view key) {
  auto it = std::lower_bound(records.begin(), records.end(), key,
                             [](const Record& r, std::string_view k) { return r.spec.key < k; });
  return it != records.end() && it->spec.key == key ? &*it : nullptr;
}

template <typename Record>
std::string hint(const std::vector<Record>& records, std::string_view key) {
  std::vector<std::string_view> keys;
  for (const Record& r : records) keys.push_back(r.spec.key);
  return did_you_mean(key, keys);
}
}  // namespace

const NamespaceRecord* RegistryState::find_namespace(std::string_view key) const {
  return find_by_key(namespaces, key);
}
const MetricRecord* RegistryState::find_metric(std::string_view key) const { return find_by_key(metrics, key); }
const ExperimentRecord* RegistryState::find_experiment(std::string_view key) const {
  return find_by_key(experiments, key);
}

std::vector<SlotClaim> RegistryState::claims_in(std::string_view namespace_key, std::string_view except) const {
  std::vector<SlotClaim> claims;
  for (const ExperimentRecord& e : experiments) {
    if (e.spec.namespace_key == namespace_key && e.spec.key != except && e.claims_slots()) {
      claims.push_back(SlotClaim{*e.slots, e.spec.key});
    }
  }
  return claims;
}

Error unknown_experiment(const RegistryState& state, std::string_view key) {
  return Error::not_found(fmt::format("unknown experiment '{}'{}", key, hint(state.experiments, key)));
}

Error unknown_namespace(const RegistryState& state, std::string_view key) {
  return Error::not_found(fmt::format("unknown namespace '{}'{}", key, hint(state.namespaces, key)));
}

Result<std::vector<MetricSpec>> bound_metrics(const RegistryState& state, const ExperimentRecord& experiment) {
  std::vector<MetricSpec> metrics;
  for (const MetricBinding& b : experiment.spec.metrics) {
    const MetricRecord* m = state.find_metric(b.metric);
    if (m == nullptr) return Error::not_found(fmt::format("metric '{}' is not in the registry", b.metric));
    metrics.push_back(m->spec);
  }
  return metrics;
}

}  // namespace expt
