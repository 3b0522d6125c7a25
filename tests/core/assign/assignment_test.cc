#include "core/assign/assignment.h"

#include <array>
#include <string>

#include <boost/math/distributions/chi_squared.hpp>
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "core/registry/registry_snapshot.h"

namespace expt {
namespace {

// One layer per (key, total_slots); experiment e owns `slots` and has variants with `weights_bps`.
struct Builder {
  AssignmentSnapshot snapshot;

  size_t layer(const std::string& key, uint32_t total_slots, nlohmann::json default_config = nlohmann::json::object()) {
    SnapshotLayer l;
    l.key = key;
    l.total_slots = total_slots;
    l.default_config = std::move(default_config);
    l.slot_owner.assign(total_slots, -1);
    snapshot.layers.push_back(std::move(l));
    return snapshot.layers.size() - 1;
  }

  void experiment(size_t layer, const std::string& key, ExperimentType type, SlotRange slots,
                  std::vector<std::pair<std::string, uint32_t>> variants, std::vector<nlohmann::json> configs = {}) {
    SnapshotExperiment e;
    e.key = key;
    e.layer = layer;
    e.type = type;
    e.slots = slots;
    uint32_t end = 0;
    for (size_t i = 0; i < variants.size(); ++i) {
      end += variants[i].second;
      e.variants.push_back(
          SnapshotVariant{variants[i].first, end, i < configs.size() ? configs[i] : nlohmann::json::object(), {}, {}});
    }
    auto index = static_cast<int32_t>(snapshot.experiments.size());
    for (uint32_t s = slots.start; s <= slots.end; ++s) snapshot.layers[layer].slot_owner[s] = index;
    snapshot.experiments.push_back(std::move(e));
    finish_snapshot(snapshot);
  }
};

double chi_square_p_value(double statistic, double degrees_of_freedom) {
  return boost::math::cdf(boost::math::complement(boost::math::chi_squared(degrees_of_freedom), statistic));
}

TEST_CASE("observed variant shares match the weights over a million entities", "[assignment][statistical]") {
  Builder b;
  size_t layer = b.layer("checkout", 1000);
  b.experiment(layer, "checkout-layout-mvt", ExperimentType::multivariate, {0, 999},
               {{"a", 5000}, {"b", 3000}, {"c", 2000}});
  std::array<double, 3> counts{};
  const int n = 1000000;
  for (int i = 0; i < n; ++i) {
    std::string id = fmt::format("user-{}", i);
    LayerAssignment a = assign_in_layer(b.snapshot, layer, id, false);
    REQUIRE(a.variant >= 0);
    counts[static_cast<size_t>(a.variant)] += 1;
  }
  const std::array<double, 3> weights{0.5, 0.3, 0.2};
  double chi2 = 0;
  for (size_t v = 0; v < 3; ++v) {
    double expected = weights[v] * n;
    // Within 6 standard errors of the binomial share: a real bias of 0.3 points would fail.
    CHECK(std::abs(counts[v] / n - weights[v]) < 6 * std::sqrt(weights[v] * (1 - weights[v]) / n));
    chi2 += (counts[v] - expected) * (counts[v] - expected) / expected;
  }
  CHECK(chi_square_p_value(chi2, 2) > 0.001);
}

TEST_CASE("slots are uniform and layers are independent", "[assignment][statistical]") {
  Builder b;
  size_t ui = b.layer("ui", 1000);
  size_t ranking = b.layer("ranking", 1000);
  constexpr size_t k_bins = 10;
  std::array<std::array<double, k_bins>, k_bins> table{};
  const int n = 1000000;
  for (int i = 0; i < n; ++i) {
    std::string id = fmt::format("user-{}", i);
    uint32_t s1 = assign_in_layer(b.snapshot, ui, id, false).slot;
    uint32_t s2 = assign_in_layer(b.snapshot, ranking, id, false).slot;
    table[s1 * k_bins / 1000][s2 * k_bins / 1000] += 1;
  }
  std::array<double, k_bins> rows{}, cols{};
  for (size_t r = 0; r < k_bins; ++r) {
    for (size_t c = 0; c < k_bins; ++c) {
      rows[r] += table[r][c];
      cols[c] += table[r][c];
    }
  }
  double independence = 0, uniform_rows = 0;
  for (size_t r = 0; r < k_bins; ++r) {
    double expected_row = static_cast<double>(n) / k_bins;
    uniform_rows += (rows[r] - expected_row) * (rows[r] - expected_row) / expected_row;
    for (size_t c = 0; c < k_bins; ++c) {
      double expected = rows[r] * cols[c] / n;
      independence += (table[r][c] - expected) * (table[r][c] - expected) / expected;
    }
  }
  // Pearson's chi-square test of independence, (10-1)x(10-1) degrees of freedom.
  CHECK(chi_square_p_value(independence, 81) > 0.001);
  CHECK(chi_square_p_value(uniform_rows, 9) > 0.001);
}

TEST_CASE("the slot and the variant of one layer are independent", "[assignment][statistical]") {
  Builder b;
  size_t layer = b.layer("checkout", 1000);
  b.experiment(layer, "checkout-cta-color", ExperimentType::ab, {0, 999}, {{"control", 5000}, {"green", 5000}});
  std::array<std::array<double, 2>, 10> table{};
  const int n = 500000;
  for (int i = 0; i < n; ++i) {
    LayerAssignment a = assign_in_layer(b.snapshot, layer, fmt::format("u{}", i), false);
    table[a.slot / 100][static_cast<size_t>(a.variant)] += 1;
  }
  double chi2 = 0, total_green = 0;
  for (const auto& row : table) total_green += row[1];
  for (const auto& row : table) {
    double row_total = row[0] + row[1];
    double expected_green = row_total * total_green / n;
    double expected_control = row_total - expected_green;
    chi2 += (row[1] - expected_green) * (row[1] - expected_green) / expected_green +
            (row[0] - expected_control) * (row[0] - expected_control) / expected_control;
  }
  CHECK(chi_square_p_value(chi2, 9) > 0.001);
}

TEST_CASE("assigning many layers at once equals assigning them one by one", "[assignment]") {
  Builder b;
  for (int n = 0; n < 40; ++n) {  // more layers than one batch of the SDK, every experiment type
    size_t layer = b.layer(fmt::format("layer-{}", n), 100 + 37 * static_cast<uint32_t>(n));
    b.experiment(layer, fmt::format("ab-{}", n), ExperimentType::ab, {0, 29}, {{"control", 5000}, {"treatment", 5000}});
    b.experiment(layer, fmt::format("hold-{}", n), ExperimentType::holdout, {30, 39}, {});
    b.experiment(layer, fmt::format("roll-{}", n), ExperimentType::rollout, {40, 79}, {{"on", 2500}});
  }
  b.snapshot.global_holdout = SnapshotHoldout{"global", 500};
  std::array<LayerAssignment, 40> batch;
  for (int entity = 0; entity < 5000; ++entity) {
    const std::string id = fmt::format("user-{}", entity);
    const bool held = in_global_holdout(b.snapshot, id);
    for (size_t first : {size_t{0}, size_t{7}}) {
      assign_in_layers(b.snapshot, first, id, held, std::span(batch.data(), batch.size() - first));
      for (size_t i = 0; i + first < batch.size(); ++i) {
        const LayerAssignment one = assign_in_layer(b.snapshot, first + i, id, held);
        INFO("entity " << id << ", layer " << first + i);
        REQUIRE(batch[i].slot == one.slot);
        REQUIRE(batch[i].experiment == one.experiment);
        REQUIRE(batch[i].variant == one.variant);
        REQUIRE(batch[i].in_global_holdout == one.in_global_holdout);
      }
    }
  }
}

TEST_CASE("raising a rollout's fraction only ever adds entities", "[assignment]") {
  Builder low, high;
  size_t l1 = low.layer("pricing", 1000);
  size_t l2 = high.layer("pricing", 1000);
  low.experiment(l1, "payment-api-v2", ExperimentType::rollout, {0, 999}, {{"v2", 2000}});
  high.experiment(l2, "payment-api-v2", ExperimentType::rollout, {0, 999}, {{"v2", 3500}});
  int in_low = 0, in_high = 0;
  for (int i = 0; i < 100000; ++i) {
    std::string id = fmt::format("e{}", i);
    bool was_in = assign_in_layer(low.snapshot, l1, id, false).variant == 0;
    bool is_in = assign_in_layer(high.snapshot, l2, id, false).variant == 0;
    if (was_in) REQUIRE(is_in);
    in_low += was_in;
    in_high += is_in;
  }
  CHECK(in_low == Approx(20000).margin(600));
  CHECK(in_high == Approx(35000).margin(700));
}

TEST_CASE("a rollout's entities past its fraction are in no experiment", "[assignment]") {
  Builder b;
  size_t layer = b.layer("pricing", 1000, {{"payment_api", "v1"}});
  b.experiment(layer, "payment-api-v2", ExperimentType::rollout, {0, 999}, {{"v2", 2000}}, {{{"payment_api", "v2"}}});
  int outside = 0;
  for (int i = 0; i < 1000; ++i) {
    LayerAssignment a = assign_in_layer(b.snapshot, layer, fmt::format("e{}", i), false);
    if (a.variant < 0) {
      ++outside;
      CHECK(a.experiment == -1);
      CHECK(experiment_key(b.snapshot, a).empty());
      CHECK(merged_config(b.snapshot, layer, a) == nlohmann::json{{"payment_api", "v1"}});
    } else {
      CHECK(merged_config(b.snapshot, layer, a) == nlohmann::json{{"payment_api", "v2"}});
    }
  }
  CHECK(outside > 700);
}

TEST_CASE("a holdout experiment serves the default config and reports variant 'holdout'", "[assignment]") {
  Builder b;
  size_t layer = b.layer("checkout", 10, {{"cta_color", "blue"}});
  b.experiment(layer, "checkout-holdout", ExperimentType::holdout, {0, 9}, {});
  LayerAssignment a = assign_in_layer(b.snapshot, layer, "user-1", false);
  CHECK(experiment_key(b.snapshot, a) == "checkout-holdout");
  CHECK(variant_key(b.snapshot, a) == "holdout");
  CHECK(merged_config(b.snapshot, layer, a) == nlohmann::json{{"cta_color", "blue"}});
}

TEST_CASE("entities in free slots get the namespace default config", "[assignment]") {
  Builder b;
  size_t layer = b.layer("checkout", 1000, {{"cta_color", "blue"}});
  b.experiment(layer, "small", ExperimentType::ab, {0, 99}, {{"control", 5000}, {"green", 5000}});
  int in_experiment = 0;
  for (int i = 0; i < 10000; ++i) {
    LayerAssignment a = assign_in_layer(b.snapshot, layer, fmt::format("u{}", i), false);
    CHECK((a.experiment >= 0) == (a.slot < 100));
    in_experiment += a.experiment >= 0;
  }
  CHECK(in_experiment == Approx(1000).margin(150));
}

TEST_CASE("a globally held-out entity is in no experiment in any layer", "[assignment]") {
  Builder b;
  size_t layer = b.layer("checkout", 1000);
  b.experiment(layer, "all-slots", ExperimentType::ab, {0, 999}, {{"control", 5000}, {"green", 5000}});
  b.snapshot.global_holdout = SnapshotHoldout{"global-holdout", 200};
  int held = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    std::string id = fmt::format("u{}", i);
    bool h = in_global_holdout(b.snapshot, id);
    LayerAssignment a = assign_in_layer(b.snapshot, layer, id, h);
    CHECK(a.in_global_holdout == h);
    CHECK((a.experiment < 0) == h);
    held += h;
  }
  CHECK(static_cast<double>(held) / n == Approx(0.02).margin(6 * std::sqrt(0.02 * 0.98 / n)));
}

TEST_CASE("variant configs are merged over the namespace default as a JSON merge patch", "[assignment]") {
  Builder b;
  size_t layer = b.layer("checkout", 1, {{"cta", {{"color", "blue"}, {"size", "m"}}}, {"layout", "single"}});
  b.experiment(layer, "x", ExperimentType::rollout, {0, 0}, {{"on", 10000}},
               {{{"cta", {{"color", "green"}}}, {"layout", nullptr}}});
  LayerAssignment a = assign_in_layer(b.snapshot, layer, "anyone", false);
  CHECK(merged_config(b.snapshot, layer, a) == nlohmann::json{{"cta", {{"color", "green"}, {"size", "m"}}}});
}

TEST_CASE("a registry snapshot holds every namespace but only running experiments", "[assignment]") {
  RegistryState state;
  NamespaceRecord ns;
  ns.spec.key = "checkout";
  ns.spec.total_slots = 100;
  state.namespaces.push_back(ns);
  auto record = [](std::string key, ExperimentStatus status, SlotRange slots) {
    ExperimentRecord r;
    r.spec.key = std::move(key);
    r.spec.namespace_key = "checkout";
    r.spec.type = ExperimentType::ab;
    r.spec.variants = {VariantSpec{"control", 5000, {}, {}}, VariantSpec{"b", 5000, {}, {}}};
    r.status = status;
    r.slots = slots;
    return r;
  };
  state.experiments = {record("a-running", ExperimentStatus::running, {0, 9}),
                       record("b-stopped", ExperimentStatus::stopped, {10, 19}),
                       record("c-draft", ExperimentStatus::draft, {20, 29})};
  AssignmentSnapshot s = snapshot_from_registry(state);
  REQUIRE(s.layers.size() == 1);
  REQUIRE(s.experiments.size() == 1);
  CHECK(s.experiments[0].key == "a-running");
  CHECK(s.layers[0].slot_owner[5] == 0);
  CHECK(s.layers[0].slot_owner[15] == -1);
  CHECK(s.layers[0].slot_owner[25] == -1);
  SECTION("an experiment named as also active is included whatever its status") {
    AssignmentSnapshot with_stopped = snapshot_from_registry(state, "b-stopped");
    REQUIRE(with_stopped.experiments.size() == 2);
    CHECK(with_stopped.layers[0].slot_owner[15] == 1);
    CHECK(with_stopped.layers[0].slot_owner[25] == -1);
  }
}

}  // namespace
}  // namespace expt
