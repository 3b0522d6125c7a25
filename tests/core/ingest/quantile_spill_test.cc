// Percentile values spilled to disk must give estimate_quantile's numbers bit for bit: exact
// order statistics found a 16-bit digit at a time, and the same per-entity sums in the same order.
#include <cstdlib>
#include <random>

#include <catch2/catch.hpp>

#include "core/ingest/quantile_spill.h"
#include "core/stats/frequentist.h"

namespace expt {
namespace {

// The sample in memory, renumbered as EventAggregator::finish does, and the same pairs spilled.
struct Both {
  QuantileSample sample;
  QuantileSpill spill;
  uint32_t entity_ids = 0;
};

Both make(const std::vector<std::pair<double, uint32_t>>& pairs, uint32_t entity_ids) {
  auto spill = QuantileSpill::create(std::getenv("TMPDIR") != nullptr ? std::getenv("TMPDIR") : "/tmp");
  REQUIRE(spill);
  Both both{QuantileSample{}, std::move(*spill), entity_ids};
  std::vector<uint32_t> local(entity_ids, UINT32_MAX);
  for (const auto& [value, entity] : pairs) {
    REQUIRE(both.spill.add(value, entity));
    if (local[entity] == UINT32_MAX) local[entity] = both.sample.entities++;
    both.sample.add(value, local[entity]);
  }
  REQUIRE(both.spill.flush());
  return both;
}

void require_same_estimate(const Both& both, double quantile, double confidence) {
  INFO("values " << both.sample.values.size() << ", quantile " << quantile << ", confidence " << confidence);
  const TestConfig config{confidence};
  const VariantEstimate memory = estimate_quantile(both.sample, quantile, config);
  auto summary = estimate_spilled_quantile(both.spill, both.entity_ids, quantile, confidence);
  REQUIRE(summary);
  const VariantEstimate disk = estimate_quantile(*summary, config);
  CHECK(disk.n == memory.n);
  CHECK(disk.events == memory.events);
  CHECK(disk.value == memory.value);  // optional<double>: bit for bit, or both absent
  CHECK(disk.ci_low == memory.ci_low);
  CHECK(disk.ci_high == memory.ci_high);
  CHECK(disk.se == memory.se);
}

TEST_CASE("a spilled percentile sample gives the in-memory estimate bit for bit", "[ingest][memory][quantile]") {
  std::mt19937_64 random(5);
  std::lognormal_distribution<double> load(7, 0.6);
  std::normal_distribution<double> signed_values(0, 1e6);
  for (size_t n : {0, 1, 2, 3, 17, 1000, 100'000}) {
    for (int shape = 0; shape < 3; ++shape) {
      std::vector<std::pair<double, uint32_t>> pairs;
      const auto entities = static_cast<uint32_t>(n / 3 + 1);
      for (size_t i = 0; i < n; ++i) {
        const double v = shape == 0 ? load(random) : shape == 1 ? signed_values(random) : static_cast<double>(random() % 7);  // ties
        pairs.emplace_back(v, static_cast<uint32_t>(random() % entities));
      }
      const Both both = make(pairs, entities);
      for (double q : {0.0, 0.05, 0.5, 0.95, 0.99, 1.0}) require_same_estimate(both, q, 0.95);
      require_same_estimate(both, 0.9, 0.99);
    }
  }
}

TEST_CASE("a spilled sample whose values share their leading digits is narrowed digit by digit", "[ingest][memory][quantile]") {
  // 1.5 M values in [1000, 1001): their order keys share the top 16 bits, and more values than
  // one sort bucket may hold (k_collect_keys), so the search takes further digits.
  std::mt19937_64 random(9);
  std::uniform_real_distribution<double> narrow(1000, 1001);
  std::vector<std::pair<double, uint32_t>> pairs;
  for (int i = 0; i < 1'500'000; ++i) pairs.emplace_back(narrow(random), static_cast<uint32_t>(random() % 200'000));
  const Both both = make(pairs, 200'000);
  require_same_estimate(both, 0.5, 0.95);
  require_same_estimate(both, 0.999, 0.95);
}

TEST_CASE("spilling to a folder that cannot take files is an error naming it", "[ingest][memory][quantile]") {
  auto spill = QuantileSpill::create("/nonexistent-expt-folder");
  REQUIRE(!spill);
  CHECK_THAT(spill.error().message, Catch::Contains("/nonexistent-expt-folder") && Catch::Contains("percentile values"));
}

}  // namespace
}  // namespace expt
