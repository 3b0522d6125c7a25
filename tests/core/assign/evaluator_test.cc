#include "core/assign/evaluator.h"

#include <atomic>
#include <random>
#include <thread>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "core/assign/bundle.h"
#include "core/plan/bundle_publish.h"
#include "core/registry/registry_snapshot.h"
#include "tests/support/fixture_registry.h"
#include "tests/support/fixtures.h"

namespace expt {
namespace {

using nlohmann::json;

std::string bundle_text(const RegistryState& state, int64_t version) {
  return canonical_text(bundle_document(bundle_content(state), version, "2026-11-23T12:00:00Z"));
}

std::string random_id(std::mt19937_64& rng) {
  static const char k_chars[] = "abcdefghijklmnopqrstuvwxyz0123456789-_:é";
  std::uniform_int_distribution<size_t> length(0, 40);
  std::uniform_int_distribution<size_t> pick(0, sizeof(k_chars) - 2);
  std::string id;
  for (size_t n = length(rng); n > 0; --n) id += k_chars[pick(rng)];
  return id;
}

TEST_CASE("assignment from the registry and from its exported bundle agree for 100k entities", "[evaluator][bundle]") {
  RegistryState state = testing::running_fixture_registry();
  const AssignmentSnapshot from_registry = snapshot_from_registry(state);
  Evaluator evaluator;
  REQUIRE(evaluator.load_string(bundle_text(state, 1), "bundle-1.json"));
  const AssignmentSnapshot& from_bundle = evaluator.snapshot()->assignment();
  REQUIRE(from_bundle.layers.size() == from_registry.layers.size());
  REQUIRE(from_bundle.experiments.size() == from_registry.experiments.size());
  REQUIRE(from_bundle.experiments.size() == 10);

  std::mt19937_64 rng(20261123);
  size_t in_experiments = 0;
  for (int i = 0; i < 100000; ++i) {
    const std::string id = random_id(rng);
    const bool held = in_global_holdout(from_registry, id);
    REQUIRE(held == in_global_holdout(from_bundle, id));
    for (size_t layer = 0; layer < from_registry.layers.size(); ++layer) {
      LayerAssignment a = assign_in_layer(from_registry, layer, id, held);
      LayerAssignment b = assign_in_layer(from_bundle, layer, id, held);
      REQUIRE(a.slot == b.slot);
      REQUIRE(experiment_key(from_registry, a) == experiment_key(from_bundle, b));
      REQUIRE(variant_key(from_registry, a) == variant_key(from_bundle, b));
      in_experiments += a.experiment >= 0;
    }
  }
  // Every experiment was exercised, not just the default path.
  CHECK(in_experiments > 100000);
}

TEST_CASE("evaluate returns each layer's experiment, variant and merged config", "[evaluator]") {
  Evaluator evaluator;
  CHECK(evaluator.assign("user-7").layers.empty());
  REQUIRE(evaluator.load_string(bundle_text(testing::running_fixture_registry(), 1), "b"));
  Evaluation e = evaluator.assign("user-7");
  REQUIRE(e.layers.size() == 4);
  CHECK(e.layers[0].namespace_key == "checkout");
  CHECK(e.layers[0].experiment == "checkout-cta-color");
  CHECK(e.layers[0].variant == "control");
  CHECK(e.layers[0].slot == 492);
  CHECK(*e.layers[0].config == json{{"cta_color", "blue"}, {"layout", "single-page"}, {"show_trust_badges", false}});
  CHECK(e.snapshot->version() == 1);
}

TEST_CASE("a failed load or diff keeps the current bundle", "[evaluator]") {
  RegistryState state = testing::running_fixture_registry();
  Evaluator evaluator;
  REQUIRE(evaluator.load_string(bundle_text(state, 1), "bundle-1.json"));
  auto bad_json = evaluator.load_string("{not json", "broken.json");
  REQUIRE_FALSE(bad_json);
  CHECK(bad_json.error().message == "not valid JSON");
  auto wrong_base = evaluator.apply_diff(R"([{"op":"test","path":"/bundle_version","value":5}])", "diff-5-6.json");
  REQUIRE_FALSE(wrong_base);
  CHECK(evaluator.snapshot()->version() == 1);
  CHECK(evaluator.load_file("/nonexistent/bundle.json").error().kind == ErrorKind::io);
}

TEST_CASE("the SDK turns malformed input into errors, never exceptions", "[evaluator][limits]") {
  Evaluator evaluator;
  for (std::string text : {std::string("{"), std::string("[]"), std::string("{\"namespaces\": 5}"),
                           std::string(200000, '['), std::string("{\"format_version\": 1, \"bundle_version\": \"x\"}")}) {
    INFO(text.substr(0, 40));
    CHECK_FALSE(evaluator.load_string(text, "b.json"));
  }
  CHECK_FALSE(evaluator.load_file("/nonexistent/bundle.json"));
  CHECK(evaluator.snapshot() == nullptr);
}

TEST_CASE("applying published diffs moves the evaluator forward", "[evaluator][bundle]") {
  RegistryState state = testing::running_fixture_registry();
  json v1 = bundle_document(bundle_content(state), 1, "t1");
  for (ExperimentRecord& e : state.experiments) {
    if (e.spec.key == "checkout-cta-color") e.status = ExperimentStatus::stopped;
  }
  json v2 = bundle_document(bundle_content(state), 2, "t2");
  Evaluator evaluator;
  REQUIRE(evaluator.load_string(canonical_text(v1), "v1"));
  CHECK(evaluator.assign("user-7").layers[0].experiment == "checkout-cta-color");
  REQUIRE(evaluator.apply_diff(canonical_text(bundle_diff(v1, v2)), "diff-1-2.json"));
  CHECK(evaluator.snapshot()->version() == 2);
  CHECK(evaluator.assign("user-7").layers[0].experiment.empty());
  CHECK(evaluator.snapshot()->document() == v2);
}

TEST_CASE("readers keep a consistent snapshot while bundles are swapped in", "[evaluator][threads]") {
  RegistryState state = testing::running_fixture_registry();
  RegistryState stopped = state;
  for (ExperimentRecord& e : stopped.experiments) e.status = ExperimentStatus::stopped;
  const std::string with_experiments = bundle_text(state, 1);
  const std::string without = bundle_text(stopped, 2);
  Evaluator evaluator;
  REQUIRE(evaluator.load_string(with_experiments, "v1"));

  std::atomic<bool> done{false};
  std::atomic<int> inconsistent{0};
  std::atomic<long> evaluations{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&, t] {
      int i = 0;
      while (!done.load()) {
        Evaluation e = evaluator.assign(fmt::format("reader-{}-{}", t, i++));
        // Within one evaluation every layer comes from the same bundle.
        bool any = false;
        for (const EvaluatedLayer& l : e.layers) any = any || !l.experiment.empty();
        if (e.snapshot->version() == 2 && any) inconsistent.fetch_add(1);
        evaluations.fetch_add(1);
      }
    });
  }
  for (int swap = 0; swap < 200; ++swap) {
    REQUIRE(evaluator.load_string(swap % 2 ? with_experiments : without, "swap"));
  }
  done.store(true);
  for (auto& r : readers) r.join();
  CHECK(inconsistent.load() == 0);
  CHECK(evaluations.load() > 0);
}

}  // namespace
}  // namespace expt
