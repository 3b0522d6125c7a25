// Always-valid inference (core/stats/sequential.h) against fixtures/cases/sequential_reference.json,
// which fixtures/cases/generate_sequential_reference.py computes from the papers' formulas by two
// routes each, and by simulation: peeking at A/A tests.

#include <random>

#include <catch2/catch.hpp>

#include "core/stats/frequentist.h"
#include "core/stats/sequential.h"
#include "tests/support/fixtures.h"

namespace expt {
namespace {

using nlohmann::json;

TEST_CASE("confidence sequence widths and always-valid p-values match the reference formulas", "[sequential]") {
  const json r = testing::read_json(testing::fixture_path("cases/sequential_reference.json"));
  REQUIRE(r["cases"].size() == 270);
  for (const json& c : r["cases"]) {
    const double n = c["n"], alpha = c["alpha"], tuning = c["tuning"], z = c["z"];
    INFO("n " << n << ", alpha " << alpha << ", N* " << tuning << ", z " << z);
    CHECK(sequential_multiplier(n, alpha, tuning) == Approx(c["multiplier"].get<double>()).epsilon(1e-9));
    CHECK(sequential_p_value(z, n, alpha, tuning) == Approx(c["p_value"].get<double>()).epsilon(1e-9).margin(1e-300));
  }
  // Eppo's worked figure: 3.0352 standard errors at 10,000 entities with N* = 10,000, against 1.96.
  CHECK(sequential_multiplier(10000, 0.05, 10000) == Approx(3.0352).epsilon(1e-4));
}

TEST_CASE("a sequential comparison widens both intervals and makes its p-value always valid", "[sequential]") {
  MeanStats control, treatment;
  std::mt19937_64 random(7);
  std::normal_distribution<double> normal(10, 3);
  for (int i = 0; i < 2000; ++i) {
    control.add(normal(random));
    treatment.add(normal(random) + 0.4);
  }
  const Comparison fixed = welch_test(control, treatment, TestConfig{0.95});
  Comparison sequential = fixed;
  make_sequential(sequential, 4000, 0.95, 5000);
  const double m = sequential_multiplier(4000, 0.05, 5000);
  CHECK(*sequential.difference_ci_high - *sequential.difference == Approx(m * *fixed.difference_se));
  CHECK(*sequential.lift_ci_low == Approx(*fixed.lift - m * *fixed.lift_se));
  CHECK(*sequential.p_value > *fixed.p_value);
  CHECK(*sequential.p_value == Approx(sequential_p_value(*fixed.difference / *fixed.difference_se, 4000, 0.05, 5000)));
  CHECK_FALSE(sequential.df);
  CHECK(*sequential.difference_ci_low > *fixed.difference_ci_low - 1);  // finite, and around the same estimate
}

// 2,000 seeded A/A experiments, each looked at 20 times (every 250 entities per variant up to
// 5,000): the share that ever rejects at alpha = 0.05. docs/statistics.md quotes the numbers.
TEST_CASE("peeking at A/A tests: the sequential test keeps its false positive rate, the fixed one does not",
          "[sequential]") {
  constexpr int k_experiments = 2000, k_peeks = 20, k_step = 250;
  std::mt19937_64 random(20261130);
  std::normal_distribution<double> normal(0, 1);
  int fixed_rejected = 0, sequential_rejected = 0;
  for (int e = 0; e < k_experiments; ++e) {
    MeanStats a, b;
    bool fixed_hit = false, sequential_hit = false;
    for (int peek = 1; peek <= k_peeks; ++peek) {
      for (int i = 0; i < k_step; ++i) {
        a.add(normal(random));
        b.add(normal(random));
      }
      Comparison c = welch_test(a, b, TestConfig{0.95});
      fixed_hit = fixed_hit || *c.p_value < 0.05;
      make_sequential(c, a.n + b.n, 0.95, k_default_sequential_tuning);
      sequential_hit = sequential_hit || *c.p_value < 0.05;
    }
    fixed_rejected += fixed_hit;
    sequential_rejected += sequential_hit;
  }
  const double fixed_rate = fixed_rejected / double(k_experiments);
  const double sequential_rate = sequential_rejected / double(k_experiments);
  WARN("ever rejected over 20 peeks: fixed-horizon " << fixed_rate << ", sequential " << sequential_rate);
  // At most alpha plus two binomial standard errors (0.0049 for 2,000 experiments).
  CHECK(sequential_rate <= 0.05 + 2 * 0.0049);
  CHECK(fixed_rate > 0.05 + 2 * 0.0049);
}

}  // namespace
}  // namespace expt
