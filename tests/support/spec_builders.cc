#include "tests/support/spec_builders.h"

#include <algorithm>
#include <stdexcept>

#include "core/base/diagnostic.h"

namespace expt::testing {

SpecSet specs_from_yaml(const std::string& yaml, const std::string& file) {
  ParsedSpecs parsed = parse_specs(yaml, file);
  if (!parsed.errors.empty()) throw std::runtime_error("fixture YAML is invalid: " + diagnostic_headline(parsed.errors[0]));
  return parsed.specs;
}

NamespaceSpec make_namespace(std::string key, uint32_t total_slots) {
  NamespaceSpec n;
  n.key = std::move(key);
  n.total_slots = total_slots;
  return n;
}

MetricSpec make_metric(std::string key, MetricType type) {
  MetricSpec m;
  m.key = key;
  m.name = std::move(key);
  m.type = type;
  m.measure.event_type = "purchase";
  return m;
}

ExperimentSpec make_experiment(std::string key, std::string namespace_key, uint32_t slots) {
  ExperimentSpec e;
  e.key = std::move(key);
  e.namespace_key = std::move(namespace_key);
  e.type = ExperimentType::ab;
  e.owner_team = "growth";
  e.traffic.kind = TrafficRequest::Kind::slots;
  e.traffic.slots = slots;
  e.variants = {VariantSpec{"control", 5000, nlohmann::json::object(), {}},
                VariantSpec{"treatment", 5000, nlohmann::json::object(), {}}};
  return e;
}

ExperimentSpec make_experiment_in_range(std::string key, std::string namespace_key, SlotRange range) {
  ExperimentSpec e = make_experiment(std::move(key), std::move(namespace_key));
  e.traffic.kind = TrafficRequest::Kind::range;
  e.traffic.range = range;
  return e;
}

RegistryState state_with(const SpecSet& specs) {
  RegistryState state;
  for (const auto& n : specs.namespaces) state.namespaces.push_back(NamespaceRecord{n, "t0", "t0"});
  for (const auto& m : specs.metrics) state.metrics.push_back(MetricRecord{m, "t0", "t0"});
  for (const auto& e : specs.experiments) {
    ExperimentRecord r;
    r.spec = e;
    r.created_at = r.updated_at = "t0";
    state.experiments.push_back(std::move(r));
  }
  if (!specs.global_holdouts.empty()) state.global_holdout = GlobalHoldoutRecord{specs.global_holdouts[0], "t0"};
  auto by_key = [](const auto& a, const auto& b) { return a.spec.key < b.spec.key; };
  std::sort(state.namespaces.begin(), state.namespaces.end(), by_key);
  std::sort(state.metrics.begin(), state.metrics.end(), by_key);
  std::sort(state.experiments.begin(), state.experiments.end(), by_key);
  return state;
}

void set_experiment(RegistryState& state, const std::string& key, ExperimentStatus status,
                    std::optional<SlotRange> slots) {
  for (auto& e : state.experiments) {
    if (e.spec.key == key) {
      e.status = status;
      e.slots = slots;
      return;
    }
  }
  throw std::runtime_error("no experiment " + key);
}

}  // namespace expt::testing
