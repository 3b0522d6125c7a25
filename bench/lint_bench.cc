// Linting 1,000 experiment specs (50 namespaces of 20 experiments, as a CI run would see them):
// YAML parsing, set validation and the capacity replay, separately and together.

#include <string>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "core/check/capacity_check.h"
#include "core/spec/parser.h"
#include "core/check/spec_validator.h"

namespace {

std::string thousand_specs() {
  std::string yaml = "kind: metric\nkey: conv\ntype: conversion\nevent_type: purchase\n";
  for (int n = 0; n < 50; ++n) {
    yaml += fmt::format("---\nkind: namespace\nkey: layer-{}\ntotal_slots: 1000\ndefault_config: {{flag: false}}\n", n);
    for (int e = 0; e < 20; ++e) {
      yaml += fmt::format(
          "---\nkind: experiment\nkey: exp-{}-{}\nnamespace: layer-{}\ntype: ab\nowner_team: team-{}\n"
          "description: Generated experiment {} of layer {}\ntraffic:\n  slots: {}\nvariants:\n"
          "  - key: control\n    allocation: 0.5\n    config: {{flag: false}}\n"
          "  - key: treatment\n    allocation: 0.5\n    config: {{flag: true, size: {}}}\n"
          "metrics:\n  - metric: conv\n    role: primary\n",
          n, e, n, e % 7, e, n, 20 + e, e);
    }
  }
  return yaml;
}

void BM_parse_1000_specs(benchmark::State& state) {
  const std::string yaml = thousand_specs();
  for (auto _ : state) benchmark::DoNotOptimize(expt::parse_specs(yaml, "specs.yaml"));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * yaml.size()));
}
BENCHMARK(BM_parse_1000_specs)->Unit(benchmark::kMillisecond);

void BM_lint_1000_specs(benchmark::State& state) {
  const std::string yaml = thousand_specs();
  for (auto _ : state) {
    expt::ParsedSpecs parsed = expt::parse_specs(yaml, "specs.yaml");
    auto findings = expt::validate_spec_set(parsed.specs, expt::RegistryState{});
    auto capacity = expt::check_capacity(parsed.specs, expt::RegistryState{});
    if (!parsed.errors.empty() || !findings.empty() || !capacity.empty()) state.SkipWithError("unexpected findings");
    benchmark::DoNotOptimize(capacity);
  }
}
BENCHMARK(BM_lint_1000_specs)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
