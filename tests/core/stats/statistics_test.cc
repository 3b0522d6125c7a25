// Every statistical method against fixtures/cases/stats_reference.json, which
// fixtures/cases/generate_stats_reference.py computes with SciPy and statsmodels.

#include <catch2/catch.hpp>

#include "core/stats/bayesian.h"
#include "core/stats/corrections.h"
#include "core/stats/frequentist.h"
#include "core/stats/power.h"
#include "core/stats/srm.h"
#include "tests/support/fixtures.h"
#include "tests/support/golden.h"

namespace expt {
namespace {

using nlohmann::json;
using testing::describe;
using testing::matches;

const json& reference() {
  static const json r = testing::read_json(testing::fixture_path("cases/stats_reference.json"));
  return r;
}

#define CHECK_FIELD(actual, expected_json, field)                                              \
  do {                                                                                         \
    INFO(field << ": " << describe(actual, (expected_json)[field]));                           \
    CHECK(matches(actual, (expected_json)[field]));                                            \
  } while (false)

void check_comparison(const Comparison& c, const json& e) {
  CHECK_FIELD(c.difference, e, "difference");
  CHECK_FIELD(c.difference_se, e, "difference_se");
  CHECK_FIELD(c.difference_ci_low, e, "difference_ci_low");
  CHECK_FIELD(c.difference_ci_high, e, "difference_ci_high");
  CHECK_FIELD(c.statistic, e, "statistic");
  CHECK_FIELD(c.p_value, e, "p_value");
  CHECK_FIELD(c.lift, e, "lift");
  CHECK_FIELD(c.lift_se, e, "lift_se");
  CHECK_FIELD(c.lift_ci_low, e, "lift_ci_low");
  CHECK_FIELD(c.lift_ci_high, e, "lift_ci_high");
  if (e.contains("df")) CHECK_FIELD(c.df, e, "df");
  if (e.contains("z_p_value")) CHECK_FIELD(c.z_p_value, e, "z_p_value");
  if (e.contains("fisher_p_value")) CHECK_FIELD(c.fisher_p_value, e, "fisher_p_value");
}

void check_variant(const VariantEstimate& v, const json& e) {
  CHECK_FIELD(v.value, e, "value");
  CHECK_FIELD(v.se, e, "se");
  if (e.contains("ci_low")) {
    CHECK_FIELD(v.ci_low, e, "ci_low");
    CHECK_FIELD(v.ci_high, e, "ci_high");
  }
}

MeanStats mean_stats(const json& values) {
  MeanStats s;
  for (double x : values) s.add(x);
  return s;
}

MeanStats proportion_stats(const json& counts) {
  MeanStats s;
  const int64_t n = counts["n"], successes = counts["successes"];
  for (int64_t i = 0; i < n; ++i) s.add(i < successes ? 1.0 : 0.0);
  return s;
}

TEST_CASE("Welch's t-test matches SciPy and statsmodels", "[statistics][welch]") {
  for (const json& c : reference()["welch"]) {
    INFO(c["name"].get<std::string>());
    TestConfig config{c["confidence"]};
    MeanStats control = mean_stats(c["control"]), treatment = mean_stats(c["treatment"]);
    check_comparison(welch_test(control, treatment, config), c["expected"]);
    check_variant(estimate_mean(control, config), c["variants"][0]);
    check_variant(estimate_mean(treatment, config), c["variants"][1]);
  }
}

TEST_CASE("Welch's test is scale invariant up to values near 1e150", "[statistics][welch][limits]") {
  // Squaring the per-variant variances overflowed at about 1e80 and made the degrees of freedom NaN.
  MeanStats control, treatment;
  for (int i = 0; i < 50; ++i) {
    control.add(10 + i % 7);
    treatment.add(11 + i % 5);
  }
  const Comparison plain = welch_test(control, treatment, TestConfig{});
  for (double scale : {1e90, 1e140}) {
    INFO(scale);
    MeanStats c, t;
    for (int i = 0; i < 50; ++i) {
      c.add((10 + i % 7) * scale);
      t.add((11 + i % 5) * scale);
    }
    const Comparison scaled = welch_test(c, t, TestConfig{});
    REQUIRE(scaled.p_value.has_value());
    CHECK(*scaled.p_value == Approx(*plain.p_value).epsilon(1e-9));
    CHECK(*scaled.df == Approx(*plain.df).epsilon(1e-9));
    CHECK(*scaled.difference / scale == Approx(*plain.difference).epsilon(1e-9));
  }
}

TEST_CASE("conversion tests match SciPy and statsmodels, including the unpooled z-test", "[statistics][conversion]") {
  for (const json& c : reference()["conversion"]) {
    INFO(c["name"].get<std::string>());
    TestConfig config{c["confidence"]};
    check_comparison(conversion_test(proportion_stats(c["control"]), proportion_stats(c["treatment"]), config),
                     c["expected"]);
  }
}

TEST_CASE("sufficient statistics from warehouse sums give the same test", "[statistics][welch]") {
  const json& c = reference()["welch"][1];
  double sum = 0, squares = 0;
  for (double x : c["control"]) {
    sum += x;
    squares += x * x;
  }
  MeanStats from_sums = MeanStats::from_sums(static_cast<int64_t>(c["control"].size()), sum, squares);
  MeanStats merged;
  for (size_t i = 0; i < c["control"].size(); ++i) {
    MeanStats one;
    one.add(c["control"][i]);
    merged += one;  // partition-by-partition, as a distributed aggregation would
  }
  check_comparison(welch_test(from_sums, mean_stats(c["treatment"]), TestConfig{}), c["expected"]);
  check_comparison(welch_test(merged, mean_stats(c["treatment"]), TestConfig{}), c["expected"]);
}

TEST_CASE("the delta-method ratio test matches an independent numpy computation", "[statistics][ratio]") {
  for (const json& c : reference()["ratio"]) {
    INFO(c["name"].get<std::string>());
    TestConfig config{c["confidence"]};
    RatioStats control, treatment;
    for (const json& p : c["control"]) control.add(p[0], p[1]);
    for (const json& p : c["treatment"]) treatment.add(p[0], p[1]);
    check_comparison(ratio_test(control, treatment, config), c["expected"]);
    check_variant(estimate_ratio(control, config), c["variants"][0]);
    check_variant(estimate_ratio(treatment, config), c["variants"][1]);
  }
}

TEST_CASE("the clustered quantile interval matches numpy's quantile and an independent computation",
          "[statistics][quantile]") {
  for (const json& c : reference()["quantile"]) {
    INFO(c["name"].get<std::string>());
    TestConfig config{c["confidence"]};
    auto sample = [](const json& j) {
      QuantileSample s;
      uint32_t max_entity = 0;
      for (size_t i = 0; i < j["values"].size(); ++i) {
        s.add(j["values"][i], j["entity"][i]);
        max_entity = std::max(max_entity, j["entity"][i].get<uint32_t>());
      }
      s.entities = max_entity + 1;
      return s;
    };
    QuantileSample control = sample(c["control"]), treatment = sample(c["treatment"]);
    VariantEstimate ec = estimate_quantile(control, c["quantile"], config);
    VariantEstimate et = estimate_quantile(treatment, c["quantile"], config);
    check_variant(ec, c["variants"][0]);
    check_variant(et, c["variants"][1]);
    check_comparison(quantile_test(ec, et, config), c["expected"]);
  }
}

TEST_CASE("Beta-Binomial chance to beat and expected loss match an exact closed form", "[statistics][bayesian]") {
  for (const json& c : reference()["beta_binomial"]) {
    INFO(c["name"].get<std::string>());
    Direction good = *parse_direction(c["direction"].get<std::string>());
    BayesianResult r = beta_binomial(proportion_stats(c["control"]), proportion_stats(c["treatment"]), good);
    CHECK_FIELD(r.chance_to_beat, c["expected"], "chance_to_beat");
    // Expected losses are differences of near-equal terms; compare at 1e-6 relative or 1e-10.
    INFO("expected_loss: " << describe(r.expected_loss, c["expected"]["expected_loss"]));
    CHECK(matches(r.expected_loss, c["expected"]["expected_loss"], 1e-6, 1e-10));
  }
}

TEST_CASE("the normal-approximation Bayesian read-out matches SciPy", "[statistics][bayesian]") {
  for (const json& c : reference()["normal_bayes"]) {
    INFO(c["name"].get<std::string>());
    Comparison comparison;
    comparison.difference = c["difference"];
    comparison.difference_se = c["difference_se"];
    BayesianResult r = normal_approximation(comparison, *parse_direction(c["direction"].get<std::string>()));
    CHECK_FIELD(r.chance_to_beat, c["expected"], "chance_to_beat");
    CHECK_FIELD(r.expected_loss, c["expected"], "expected_loss");
  }
}

TEST_CASE("sample ratio mismatch matches scipy.stats.chisquare", "[statistics][srm]") {
  for (const json& c : reference()["srm"]) {
    INFO(c["name"].get<std::string>());
    std::vector<int64_t> observed = c["observed"];
    std::vector<double> weights = c["weights"];
    SrmResult r = sample_ratio_test(observed, weights);
    CHECK_FIELD(r.chi_square, c["expected"], "chi_square");
    CHECK_FIELD(r.p_value, c["expected"], "p_value");
    CHECK(r.mismatch == c["expected"]["mismatch"].get<bool>());
  }
}

TEST_CASE("Holm, Bonferroni and Benjamini-Hochberg match statsmodels' multipletests", "[statistics][corrections]") {
  for (const json& c : reference()["corrections"]) {
    INFO(c["name"].get<std::string>());
    std::vector<double> p = c["p_values"];
    std::vector<double> holm = adjust_p_values(p, Correction::holm);
    std::vector<double> bh = adjust_p_values(p, Correction::benjamini_hochberg);
    std::vector<double> bonferroni = adjust_p_values(p, Correction::bonferroni);
    for (size_t i = 0; i < p.size(); ++i) {
      CHECK(matches(holm[i], c["holm"][i]));
      CHECK(matches(bonferroni[i], c["bonferroni"][i]));
      CHECK(matches(bh[i], c["bh"][i]));
    }
  }
}

TEST_CASE("sample sizes and MDEs match statsmodels' NormalIndPower", "[statistics][power]") {
  for (const json& c : reference()["power"]) {
    INFO(c["name"].get<std::string>());
    PowerQuestion q;
    q.metric_type = *parse_metric_type(c["metric_type"].get<std::string>());
    q.baseline = c["baseline"];
    if (!c["std_dev"].is_null()) q.std_dev = c["std_dev"].get<double>();
    q.alpha = c["alpha"];
    q.power = c["power"];
    q.ratio = c["ratio"];
    MdeType type = *parse_mde_type(c["mde_type"].get<std::string>());
    auto effect = effect_of(q, c["mde"], type);
    REQUIRE(effect);
    CHECK(matches(effect->standardized, c["expected"]["standardized_effect"]));
    auto n = required_sample_size(q, c["mde"], type);
    REQUIRE(n);
    CHECK_FIELD(std::optional<double>(*n), c["expected"], "required_control_n");
    if (c.contains("n_for_mde")) {
      auto mde = minimum_detectable_effect(q, c["n_for_mde"]);
      REQUIRE(mde);
      CHECK(matches(mde->standardized, c["expected"]["mde_standardized"]));
      CHECK(matches(mde->absolute, c["expected"]["mde_absolute"]));
      CHECK(matches(mde->relative, c["expected"]["mde_relative"]));
    }
  }
}

TEST_CASE("degenerate inputs are results with a status, never NaN", "[statistics]") {
  TestConfig config;
  MeanStats empty, one, constant_a, constant_b;
  one.add(1);
  for (int i = 0; i < 5; ++i) {
    constant_a.add(0);
    constant_b.add(0);
  }
  CHECK(welch_test(empty, one, config).status == TestStatus::no_data);
  Comparison single = welch_test(one, one, config);
  CHECK(single.status == TestStatus::insufficient_data);
  CHECK_FALSE(single.p_value.has_value());
  Comparison zero = conversion_test(constant_a, constant_b, config);
  CHECK(zero.status == TestStatus::zero_variance);
  CHECK(*zero.difference == 0);
  CHECK_FALSE(zero.p_value.has_value());
  CHECK_FALSE(zero.lift.has_value());  // the control rate is 0
  CHECK_FALSE(zero.z_p_value.has_value());
  CHECK_FALSE(beta_binomial(empty, one, Direction::increase).chance_to_beat.has_value());
  BayesianResult zeros = beta_binomial(constant_a, constant_b, Direction::increase);
  CHECK(*zeros.chance_to_beat == Approx(0.5).margin(1e-9));
  RatioStats no_denominator;
  no_denominator.add(1, 0);
  no_denominator.add(2, 0);
  CHECK(ratio_test(no_denominator, no_denominator, config).status == TestStatus::zero_denominator);
  QuantileSample nothing;
  CHECK_FALSE(estimate_quantile(nothing, 0.95, config).value.has_value());
  std::vector<int64_t> none{0, 0};
  std::vector<double> halves{0.5, 0.5};
  CHECK_FALSE(sample_ratio_test(none, halves).p_value.has_value());
}

}  // namespace
}  // namespace expt
