// Bundles: publishing (content, hash), loading a bundle into an evaluator, and evaluating one
// entity through the SDK with merged configs (the call an application makes per request).

#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "core/assign/bundle.h"
#include "core/assign/evaluator.h"
#include "bench/synthetic_registry.h"
#include "core/registry/bundle_publish.h"

namespace {

void BM_publish_bundle(benchmark::State& state) {
  const expt::RegistryState s = expt::bench::synthetic_registry();
  for (auto _ : state) {
    nlohmann::json content = expt::bundle_content(s);
    benchmark::DoNotOptimize(expt::canonical_text(expt::bundle_document(content, 1, "2026-11-23T12:00:00Z")));
  }
}
BENCHMARK(BM_publish_bundle)->Unit(benchmark::kMicrosecond);

void BM_load_bundle(benchmark::State& state) {
  const std::string text =
      expt::canonical_text(expt::bundle_document(expt::bundle_content(expt::bench::synthetic_registry()), 1, "2026-11-23T12:00:00Z"));
  expt::Evaluator evaluator;
  for (auto _ : state) {
    if (!evaluator.load_string(text, "bundle")) state.SkipWithError("load failed");
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_load_bundle)->Unit(benchmark::kMicrosecond);

void BM_evaluate_entity_20_layers(benchmark::State& state) {
  expt::Evaluator evaluator;
  if (!evaluator.load_string(
          expt::canonical_text(expt::bundle_document(expt::bundle_content(expt::bench::synthetic_registry()), 1, "2026-11-23T12:00:00Z")),
          "bundle")) {
    state.SkipWithError("load failed");
  }
  std::vector<std::string> ids;
  for (int i = 0; i < 4096; ++i) ids.push_back(fmt::format("user-{}", i));
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(evaluator.assign(ids[i++ & 4095]));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_evaluate_entity_20_layers);

}  // namespace

BENCHMARK_MAIN();
