// CUPED (core/stats/cuped.h) against fixtures/cases/cuped_reference.json, which
// fixtures/cases/generate_cuped_reference.py computes with numpy/SciPy on the adjusted values and
// with statsmodels OLS.

#include <catch2/catch.hpp>

#include "core/stats/cuped.h"
#include "core/stats/frequentist.h"
#include "tests/support/fixtures.h"

namespace expt {
namespace {

using nlohmann::json;

std::vector<RatioStats> pairs_of(const json& c) {
  std::vector<RatioStats> pairs;
  for (const json& variant : c["data"]) {
    RatioStats s;
    for (size_t i = 0; i < variant["y"].size(); ++i) s.add(variant["y"][i].get<double>(), variant["x"][i].get<double>());
    pairs.push_back(s);
  }
  return pairs;
}

double expected(const json& j) { return j.get<double>(); }

TEST_CASE("CUPED matches numpy and SciPy on the adjusted values", "[cuped]") {
  const json r = testing::read_json(testing::fixture_path("cases/cuped_reference.json"));
  REQUIRE(r["cases"].size() == 5);
  for (const json& c : r["cases"]) {
    INFO(c["name"].get<std::string>());
    const json& e = c["expected"];
    const CupedAdjustment a = cuped_adjust(pairs_of(c));
    CHECK(a.theta == Approx(expected(e["theta"])).epsilon(1e-9).margin(1e-12));
    CHECK(a.covariate_mean == Approx(expected(e["covariate_mean"])).epsilon(1e-9).margin(1e-12));
    REQUIRE(a.variance_reduction);
    CHECK(*a.variance_reduction == Approx(expected(e["variance_reduction"])).epsilon(1e-9).margin(1e-12));
    REQUIRE(a.adjusted.size() == e["variants"].size());
    for (size_t v = 0; v < a.adjusted.size(); ++v) {
      const VariantEstimate estimate = estimate_mean(a.adjusted[v], TestConfig{});
      CHECK(estimate.n == e["variants"][v]["n"].get<int64_t>());
      CHECK(*estimate.value == Approx(expected(e["variants"][v]["mean"])).epsilon(1e-9));
      CHECK(*estimate.se == Approx(expected(e["variants"][v]["se"])).epsilon(1e-9));
    }
    for (size_t t = 1; t < a.adjusted.size(); ++t) {
      const json& ec = e["comparisons"][t - 1];
      const Comparison k = welch_test(a.adjusted[0], a.adjusted[t], TestConfig{});
      CHECK(*k.difference == Approx(expected(ec["difference"])).epsilon(1e-9));
      CHECK(*k.difference_se == Approx(expected(ec["difference_se"])).epsilon(1e-9));
      CHECK(*k.statistic == Approx(expected(ec["statistic"])).epsilon(1e-9));
      CHECK(*k.p_value == Approx(expected(ec["p_value"])).epsilon(1e-9));
      CHECK(*k.df == Approx(expected(ec["df"])).epsilon(1e-9));
    }
  }
}

TEST_CASE("CUPED's pooled theta differs from the OLS coefficient only by the between-variant slope", "[cuped]") {
  const json r = testing::read_json(testing::fixture_path("cases/cuped_reference.json"));
  int compared = 0;
  for (const json& c : r["cases"]) {
    if (!c.contains("ols")) continue;
    INFO(c["name"].get<std::string>());
    const json& ols = c["ols"];
    const std::vector<RatioStats> p = pairs_of(c);
    // OLS of Y on [1, T, X - mean X] fits the slope within variants; with it in place of the
    // pooled theta, the adjusted difference is exactly OLS's coefficient on T.
    const double m2 = p[0].m2_y + p[1].m2_y;
    const double within = m2 > 0 ? (p[0].c_xy + p[1].c_xy) / m2 : 0.0;
    CHECK(within == Approx(expected(ols["slope"])).epsilon(1e-9).margin(1e-12));
    const double effect = (p[1].mean_x - p[0].mean_x) - within * (p[1].mean_y - p[0].mean_y);
    CHECK(effect == Approx(expected(ols["effect"])).epsilon(1e-9));
    // CUPED's effect stays within 1% of a standard error of OLS's, and its standard error within
    // 1% of OLS's heteroskedasticity-robust (HC2) one.
    const CupedAdjustment a = cuped_adjust(p);
    const Comparison k = welch_test(a.adjusted[0], a.adjusted[1], TestConfig{});
    CHECK(std::abs(*k.difference - expected(ols["effect"])) < 0.01 * expected(ols["effect_se_hc2"]));
    CHECK(*k.difference_se == Approx(expected(ols["effect_se_hc2"])).epsilon(0.01));
    ++compared;
  }
  CHECK(compared == 4);
}

TEST_CASE("a constant covariate leaves the analysis unadjusted", "[cuped]") {
  RatioStats control, treatment;
  for (double y : {1.0, 2.0, 4.0}) control.add(y, 3.0);
  for (double y : {2.0, 3.0, 7.0}) treatment.add(y, 3.0);
  const CupedAdjustment a = cuped_adjust({control, treatment});
  CHECK(a.theta == 0);
  CHECK(a.adjusted[0].mean == Approx(7.0 / 3));
  CHECK(a.adjusted[1].m2 == Approx(treatment.m2_x));
  CHECK(*a.variance_reduction == Approx(0).margin(1e-15));
}

TEST_CASE("CUPED of a variant without entities is empty, not NaN", "[cuped]") {
  RatioStats control, treatment;
  for (int i = 0; i < 10; ++i) control.add(i, i % 3);
  const CupedAdjustment a = cuped_adjust({control, treatment});
  CHECK(a.adjusted[1].n == 0);
  CHECK(a.adjusted[1].mean == 0);
  CHECK(std::isfinite(a.theta));
}

}  // namespace
}  // namespace expt
