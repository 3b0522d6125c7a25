// Bundles: publishing (content, hash), loading a bundle into an evaluator, and evaluating one
// entity through the SDK with merged configs (the call an application makes per request).

#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "core/assign/bundle.h"
#include "core/assign/evaluator.h"
#include "core/registry/bundle_publish.h"

namespace {

// 20 namespaces with 10 running experiments each, 2-4 variants with small configs.
expt::RegistryState registry() {
  using namespace expt;
  RegistryState state;
  state.global_holdout = GlobalHoldoutRecord{GlobalHoldoutSpec{"global-holdout", 200, "", {}, {}}, "t"};
  for (int n = 0; n < 20; ++n) {
    NamespaceRecord ns;
    ns.spec.key = fmt::format("layer-{:02}", n);
    ns.spec.default_config = {{"flag", false}, {"color", "blue"}, {"limit", 10}};
    state.namespaces.push_back(ns);
    for (int e = 0; e < 10; ++e) {
      ExperimentRecord r;
      r.spec.key = fmt::format("exp-{:02}-{}", n, e);
      r.spec.namespace_key = ns.spec.key;
      r.spec.type = e % 3 == 0 ? ExperimentType::multivariate : ExperimentType::ab;
      int variants = r.spec.type == ExperimentType::multivariate ? 4 : 2;
      for (int v = 0; v < variants; ++v) {
        r.spec.variants.push_back(VariantSpec{fmt::format("v{}", v), static_cast<uint32_t>(10000 / variants),
                                              {{"flag", v > 0}, {"color", fmt::format("c{}", v)}}, {}});
      }
      r.status = ExperimentStatus::running;
      r.slots = SlotRange{static_cast<uint32_t>(e * 100), static_cast<uint32_t>(e * 100 + 79)};
      state.experiments.push_back(r);
    }
  }
  return state;
}

void BM_publish_bundle(benchmark::State& state) {
  const expt::RegistryState s = registry();
  for (auto _ : state) {
    nlohmann::json content = expt::bundle_content(s);
    benchmark::DoNotOptimize(expt::canonical_text(expt::bundle_document(content, 1, "2026-11-23T12:00:00Z")));
  }
}
BENCHMARK(BM_publish_bundle)->Unit(benchmark::kMicrosecond);

void BM_load_bundle(benchmark::State& state) {
  const std::string text =
      expt::canonical_text(expt::bundle_document(expt::bundle_content(registry()), 1, "2026-11-23T12:00:00Z"));
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
          expt::canonical_text(expt::bundle_document(expt::bundle_content(registry()), 1, "2026-11-23T12:00:00Z")),
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
