// Hot paths of assignment: the hash, one layer from an in-memory snapshot, and all layers of
// the fixture registry for one entity. Entity IDs are prepared up front so only the measured
// function runs inside the loop.

#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <xxhash.h>

#include "core/assign/assignment.h"
#include "core/assign/hash.h"

namespace {

std::vector<std::string> entity_ids(size_t n) {
  std::vector<std::string> ids;
  ids.reserve(n);
  for (size_t i = 0; i < n; ++i) ids.push_back(fmt::format("user-{:08}", i * 7919));
  return ids;
}

// Three layers shaped like fixtures/specs: experiments in most slots, a holdout, free slots.
expt::AssignmentSnapshot three_layer_snapshot() {
  using namespace expt;
  AssignmentSnapshot s;
  s.global_holdout = SnapshotHoldout{"global-holdout-2026", 200};
  auto add_layer = [&](std::string key) {
    SnapshotLayer l;
    l.key = std::move(key);
    l.total_slots = 1000;
    l.default_config = nlohmann::json{{"flag", false}};
    l.slot_owner.assign(1000, -1);
    s.layers.push_back(std::move(l));
    return s.layers.size() - 1;
  };
  auto add_experiment = [&](size_t layer, std::string key, ExperimentType type, SlotRange slots,
                            std::vector<uint32_t> weights) {
    SnapshotExperiment e;
    e.key = std::move(key);
    e.layer = layer;
    e.type = type;
    e.slots = slots;
    uint32_t end = 0;
    for (size_t i = 0; i < weights.size(); ++i) {
      end += weights[i];
      e.variants.push_back(SnapshotVariant{"v" + std::to_string(i), end, nlohmann::json::object(), {}, {}});
    }
    auto index = static_cast<int32_t>(s.experiments.size());
    for (uint32_t slot = slots.start; slot <= slots.end; ++slot) s.layers[layer].slot_owner[slot] = index;
    s.experiments.push_back(std::move(e));
  };
  size_t checkout = add_layer("checkout");
  add_experiment(checkout, "checkout-layout-mvt", ExperimentType::multivariate, {0, 299}, {3400, 3300, 3300});
  add_experiment(checkout, "checkout-cta-color", ExperimentType::ab, {300, 499}, {5000, 5000});
  add_experiment(checkout, "checkout-holdout-q4", ExperimentType::holdout, {500, 549}, {});
  size_t search = add_layer("search-ranking");
  add_experiment(search, "search-ranker-v2", ExperimentType::ab, {0, 499}, {5000, 5000});
  add_experiment(search, "search-snippets", ExperimentType::multivariate, {500, 799}, {2500, 2500, 2500, 2500});
  size_t pricing = add_layer("pricing");
  add_experiment(pricing, "pricing-discount-banner", ExperimentType::ab, {0, 499}, {7000, 3000});
  add_experiment(pricing, "pricing-payment-api-v2", ExperimentType::rollout, {500, 899}, {2000});
  finish_snapshot(s);
  return s;
}

void BM_hash_v1(benchmark::State& state) {
  auto ids = entity_ids(4096);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(expt::hash_v1("checkout", ids[i++ & 4095]));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_hash_v1);

// The bound hash_v1 is held to: the library's XXH64 over keys already joined in memory.
void BM_xxh64_of_joined_key(benchmark::State& state) {
  std::vector<std::string> keys;
  for (const std::string& id : entity_ids(4096)) keys.push_back("checkout:" + id);
  size_t i = 0;
  for (auto _ : state) {
    const std::string& key = keys[i++ & 4095];
    benchmark::DoNotOptimize(XXH64(key.data(), key.size(), 0));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_xxh64_of_joined_key);

void BM_assign_one_layer(benchmark::State& state) {
  auto snapshot = three_layer_snapshot();
  auto ids = entity_ids(4096);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(expt::assign_in_layer(snapshot, 0, ids[i++ & 4095], false));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_assign_one_layer);

void BM_assign_entity_all_layers_with_holdout(benchmark::State& state) {
  auto snapshot = three_layer_snapshot();
  auto ids = entity_ids(4096);
  size_t i = 0;
  for (auto _ : state) {
    const std::string& id = ids[i++ & 4095];
    bool held = expt::in_global_holdout(snapshot, id);
    for (size_t layer = 0; layer < snapshot.layers.size(); ++layer) {
      benchmark::DoNotOptimize(expt::assign_in_layer(snapshot, layer, id, held));
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_assign_entity_all_layers_with_holdout);

}  // namespace

BENCHMARK_MAIN();
