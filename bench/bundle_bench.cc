// Bundles: publishing (content, hash), loading a bundle into an evaluator, and evaluating one
// entity through the SDK with merged configs (the call an application makes per request).

#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "core/assign/bundle.h"
#include "core/assign/bundle_snapshot.h"
#include "core/assign/evaluator.h"
#include "bench/synthetic_registry.h"
#include "core/plan/bundle_publish.h"

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

// What a BundleClient pays per update: a published diff (one experiment's config changed among
// 200) applied to the current snapshot, verified, and a new snapshot built.
void BM_apply_diff(benchmark::State& state) {
  expt::RegistryState registry = expt::bench::synthetic_registry();
  const nlohmann::json v1 = expt::bundle_document(expt::bundle_content(registry), 1, "2026-11-23T12:00:00Z");
  registry.experiments[0].spec.variants[1].config["color"] = "changed";
  const nlohmann::json v2 = expt::bundle_document(expt::bundle_content(registry), 2, "2026-11-23T12:00:00Z");
  const std::string diff = expt::canonical_text(expt::bundle_diff(v1, v2));
  auto base = expt::BundleSnapshot::parse(expt::canonical_text(v1), "bundle-1.json");
  if (!base) {
    state.SkipWithError("load failed");
    return;
  }
  for (auto _ : state) {
    auto next = (*base)->apply_diff(diff, "diff-1-2.json");
    if (!next) state.SkipWithError("apply failed");
    benchmark::DoNotOptimize(next);
  }
  state.counters["diff_bytes"] = static_cast<double>(diff.size());
}
BENCHMARK(BM_apply_diff)->Unit(benchmark::kMicrosecond);

// The parts of BM_apply_diff: copying the document, verifying it (bounds, canonical text, hash),
// and building the assignment snapshot from it (which verifies too).
void BM_apply_diff_parts(benchmark::State& state) {
  const nlohmann::json v1 =
      expt::bundle_document(expt::bundle_content(expt::bench::synthetic_registry()), 1, "2026-11-23T12:00:00Z");
  for (auto _ : state) {
    switch (state.range(0)) {
      case 0: { nlohmann::json copy = v1; benchmark::DoNotOptimize(copy); break; }
      case 1: benchmark::DoNotOptimize(expt::check_bundle_bounds(v1, "b")); break;
      case 2: benchmark::DoNotOptimize(expt::verify_bundle(v1, "b")); break;
      case 3: benchmark::DoNotOptimize(expt::snapshot_from_bundle(v1, "b")); break;
    }
  }
  const char* names[] = {"copy", "bounds", "verify", "snapshot_from_bundle"};
  state.SetLabel(names[state.range(0)]);
}
BENCHMARK(BM_apply_diff_parts)->DenseRange(0, 3)->Unit(benchmark::kMicrosecond);

void load(expt::Evaluator& evaluator, benchmark::State& state) {
  if (!evaluator.load_string(
          expt::canonical_text(expt::bundle_document(expt::bundle_content(expt::bench::synthetic_registry()), 1, "2026-11-23T12:00:00Z")),
          "bundle")) {
    state.SkipWithError("load failed");
  }
}

std::vector<std::string> user_ids() {
  std::vector<std::string> ids;
  for (int i = 0; i < 4096; ++i) ids.push_back(fmt::format("user-{}", i));
  return ids;
}

// Items are layer assignments (20 per entity), each with its merged config.
void BM_evaluate_entity_20_layers(benchmark::State& state) {
  expt::Evaluator evaluator;
  load(evaluator, state);
  auto ids = user_ids();
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(evaluator.assign(ids[i++ & 4095]));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 20);
}
BENCHMARK(BM_evaluate_entity_20_layers);

// The service loop: one Evaluation reused, so nothing is allocated per entity.
void BM_evaluate_entity_20_layers_reused(benchmark::State& state) {
  expt::Evaluator evaluator;
  load(evaluator, state);
  auto ids = user_ids();
  expt::Evaluation evaluation;
  size_t i = 0;
  for (auto _ : state) {
    evaluator.assign_into(ids[i++ & 4095], evaluation);
    benchmark::DoNotOptimize(evaluation.layers.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 20);
}
BENCHMARK(BM_evaluate_entity_20_layers_reused);

}  // namespace

BENCHMARK_MAIN();
