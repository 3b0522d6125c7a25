#include "core/check/spec_validator.h"

#include <catch2/catch.hpp>

#include "core/base/diagnostic.h"
#include "core/base/finding_codes.h"
#include "tests/support/spec_builders.h"

namespace expt {
namespace {

using testing::specs_from_yaml;

std::vector<std::string> headlines(const std::vector<Error>& findings) {
  std::vector<std::string> out;
  for (const Error& e : findings) out.push_back(diagnostic_headline(e));
  return out;
}

const char* const k_base = R"(kind: namespace
key: checkout
total_slots: 1000
---
kind: metric
key: purchase_conversion
type: conversion
event_type: purchase
---
kind: metric
key: revenue
type: mean
event_type: purchase
)";

std::string experiment(const std::string& key, const std::string& traffic, const std::string& extra = "") {
  return "---\nkind: experiment\nkey: " + key + "\nnamespace: checkout\ntype: ab\nowner_team: t\ntraffic: " + traffic +
         "\nvariants:\n  - {key: a, allocation: 0.5}\n  - {key: b, allocation: 0.5}\nmetrics:\n  - {metric: "
         "purchase_conversion, role: primary}\n" +
         extra;
}

TEST_CASE("a consistent set of specs validates clean", "[validate]") {
  SpecSet specs = specs_from_yaml(std::string(k_base) + experiment("x", "{slots: 100}") +
                                  experiment("y", "{range: [0, 99]}") + experiment("z", "{percent: 12.5}"));
  CHECK(validate_spec_set(specs, RegistryState{}).empty());
}

TEST_CASE("overlapping explicit ranges name both experiments", "[validate][allocate]") {
  SpecSet specs = specs_from_yaml(std::string(k_base) + experiment("x", "{range: [0, 199]}") +
                                  experiment("y", "{range: [100, 299]}"));
  auto findings = validate_spec_set(specs, RegistryState{});
  CHECK(headlines(findings) ==
        std::vector<std::string>{"specs.yaml:32:1: error: slots 100-299 of 'y' overlap slots 0-199 of 'x' "
                                 "(specs.yaml:20:1) in namespace 'checkout'"});
  CHECK(findings[0].code == code::slot_overlap);
}

TEST_CASE("an explicit range overlapping a registry claim names the holder and its status", "[validate][allocate]") {
  SpecSet existing = specs_from_yaml(std::string(k_base) + experiment("holder", "{slots: 100}"));
  RegistryState state = testing::state_with(existing);
  testing::set_experiment(state, "holder", ExperimentStatus::running, SlotRange{50, 149});
  SpecSet incoming = specs_from_yaml(experiment("x", "{range: [100, 199]}"));
  CHECK(headlines(validate_spec_set(incoming, state)) ==
        std::vector<std::string>{"specs.yaml:7:1: error: slots 100-199 of 'x' overlap 'holder' (slots 50-149, "
                                 "running) in namespace 'checkout'"});
  SECTION("an archived holder no longer blocks the range") {
    testing::set_experiment(state, "holder", ExperimentStatus::archived, SlotRange{50, 149});
    CHECK(validate_spec_set(incoming, state).empty());
  }
}

TEST_CASE("references must resolve in the specs or the registry", "[validate]") {
  SpecSet specs = specs_from_yaml(R"(kind: experiment
key: x
namespace: checkot
type: ab
owner_team: t
traffic: {slots: 10}
variants: [{key: a, allocation: 0.5}, {key: b, allocation: 0.5}]
metrics: [{metric: purchase_convrsion, role: primary}]
)");
  RegistryState state = testing::state_with(specs_from_yaml(k_base));
  CHECK(headlines(validate_spec_set(specs, state)) ==
        std::vector<std::string>{
            "specs.yaml:3:1: error: experiment 'x' names unknown namespace 'checkot' (did you mean 'checkout'?)",
            "specs.yaml:8:11: error: experiment 'x' binds unknown metric 'purchase_convrsion' (did you mean "
            "'purchase_conversion'?)"});
}

TEST_CASE("a key defined twice differently points at the second definition and names the first", "[validate]") {
  SpecSet specs = specs_from_yaml(std::string(k_base) + "---\nkind: namespace\nkey: checkout\ntotal_slots: 500\n");
  auto findings = validate_spec_set(specs, RegistryState{});
  CHECK(headlines(findings) ==
        std::vector<std::string>{"specs.yaml:16:1: error: namespace 'checkout' is defined again with another total_slots; "
                                 "first defined at specs.yaml:2:1"});
}

TEST_CASE("a key defined twice alike is one definition, as create reads it", "[validate]") {
  // The metric again without its description: what a file that only uses a shared metric writes.
  SpecSet specs = specs_from_yaml(std::string(k_base) +
                                  "---\nkind: metric\nkey: purchase_conversion\ntype: conversion\nevent_type: purchase\n");
  CHECK(validate_spec_set(specs, RegistryState{}).empty());
  specs = specs_from_yaml(std::string(k_base) + "---\nkind: metric\nkey: purchase_conversion\ntype: mean\nevent_type: purchase\n");
  CHECK(headlines(validate_spec_set(specs, RegistryState{})) ==
        std::vector<std::string>{"specs.yaml:16:1: error: metric 'purchase_conversion' is defined again with another aggregation, type; "
                                 "first defined at specs.yaml:6:1"});
}

TEST_CASE("percents must give whole slots and ranges must fit the namespace", "[validate]") {
  SpecSet specs = specs_from_yaml(std::string(k_base) + experiment("x", "{percent: 12.55}") +
                                  experiment("y", "{range: [900, 1000]}") + experiment("z", "{slots: 2000}"));
  CHECK(headlines(validate_spec_set(specs, RegistryState{})) ==
        std::vector<std::string>{
            "specs.yaml:20:1: error: 12.55% of namespace 'checkout' (1000 slots) is 125.5 slots; use a percent that "
            "gives whole slots, or `slots:`",
            "specs.yaml:32:1: error: range [900, 1000] of 'y' lies outside namespace 'checkout' (slots 0-999)",
            "specs.yaml:44:1: error: experiment 'z' requests 2000 slots but namespace 'checkout' has 1000"});
}

TEST_CASE("plans must size a conversion or mean metric they can describe", "[validate]") {
  std::string plan = "plan: {metric: revenue, baseline: 10, mde: 0.05, duration_days: 7, daily_entities: 1000}\n";
  std::string yaml = std::string(k_base) + experiment("x", "{slots: 10}", plan);
  yaml.replace(yaml.rfind("purchase_conversion, role: primary"), 34, "revenue, role: primary");
  CHECK(headlines(validate_spec_set(specs_from_yaml(yaml), RegistryState{})) ==
        std::vector<std::string>{"specs.yaml:26:1: error: plan for mean metric 'revenue' needs std_dev (the "
                                 "metric's standard deviation)"});
}

TEST_CASE("warnings flag experiments without a success criterion and ignored thresholds", "[validate]") {
  std::string yaml = std::string(k_base) + experiment("x", "{slots: 10}");
  yaml.replace(yaml.rfind("role: primary}"), 14, "role: informational, threshold: 0.1}");
  auto findings = validate_spec_set(specs_from_yaml(yaml), RegistryState{});
  CHECK_FALSE(has_errors(findings));
  CHECK(headlines(findings) ==
        std::vector<std::string>{"specs.yaml:15:1: warning: experiment 'x' binds no primary metric, so it has no "
                                 "success criterion",
                                 "specs.yaml:25:5: warning: threshold on informational metric 'purchase_conversion' "
                                 "has no effect; only guardrails use thresholds"});
}

}  // namespace
}  // namespace expt
