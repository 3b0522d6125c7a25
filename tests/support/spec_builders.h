#pragma once
// Small builders for spec values and registry states, so tests state only what matters.

#include <string>

#include "core/registry/state.h"
#include "core/spec/parser.h"

namespace expt::testing {

// Parses `yaml` (which must be valid) into a SpecSet; fails the test otherwise.
SpecSet specs_from_yaml(const std::string& yaml, const std::string& file = "specs.yaml");

NamespaceSpec make_namespace(std::string key, uint32_t total_slots = 1000);
MetricSpec make_metric(std::string key, MetricType type = MetricType::conversion);
// An ab experiment with control/treatment at 50/50 asking for `slots` slots.
ExperimentSpec make_experiment(std::string key, std::string namespace_key, uint32_t slots = 100);
ExperimentSpec make_experiment_in_range(std::string key, std::string namespace_key, SlotRange range);

// A registry state with `specs` loaded as drafts (experiments without slots).
RegistryState state_with(const SpecSet& specs);
// Sets an experiment's status and slots in `state`.
void set_experiment(RegistryState& state, const std::string& key, ExperimentStatus status,
                    std::optional<SlotRange> slots);

}  // namespace expt::testing
