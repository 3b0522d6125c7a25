#include "core/stats/frequentist.h"

#include <algorithm>
#include <cmath>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include "core/base/name_table.h"

namespace expt {

namespace {
constexpr NameTable<TestStatus, 5> k_test_status_names{{
    {TestStatus::ok, "ok"},
    {TestStatus::no_data, "no_data"},
    {TestStatus::insufficient_data, "insufficient_data"},
    {TestStatus::zero_variance, "zero_variance"},
    {TestStatus::zero_denominator, "zero_denominator"},
}};
}  // namespace

std::string_view to_string(TestStatus status) { return name_of(k_test_status_names, status); }

namespace {

const boost::math::normal k_standard_normal;

double two_sided_normal_p(double z) { return 2 * boost::math::cdf(boost::math::complement(k_standard_normal, std::fabs(z))); }

double t_critical(double confidence, double df) {
  return boost::math::quantile(boost::math::complement(boost::math::students_t(df), (1 - confidence) / 2));
}

// Relative lift t/c - 1 and its delta-method interval, from two independent estimates.
void add_lift(Comparison& c, double control, double control_se, double treatment, double treatment_se, double z) {
  if (control == 0) return;
  c.lift = treatment / control - 1;
  double var = treatment_se * treatment_se / (control * control) +
               treatment * treatment * control_se * control_se / (control * control * control * control);
  c.lift_se = std::sqrt(var);
  c.lift_ci_low = *c.lift - z * *c.lift_se;
  c.lift_ci_high = *c.lift + z * *c.lift_se;
}

// A z-test on the difference of two independent estimates with standard errors.
Comparison normal_difference(double control, double control_se, double treatment, double treatment_se,
                             const TestConfig& config) {
  Comparison c;
  const double z = z_critical(config.confidence);
  c.difference = treatment - control;
  double se = std::sqrt(control_se * control_se + treatment_se * treatment_se);
  c.difference_se = se;
  c.difference_ci_low = *c.difference - z * se;
  c.difference_ci_high = *c.difference + z * se;
  add_lift(c, control, control_se, treatment, treatment_se, z);
  if (se == 0) {
    c.status = TestStatus::zero_variance;
    return c;
  }
  c.statistic = *c.difference / se;
  c.p_value = two_sided_normal_p(*c.statistic);
  return c;
}

}  // namespace

double z_critical(double confidence) {
  return boost::math::quantile(boost::math::complement(k_standard_normal, (1 - confidence) / 2));
}

VariantEstimate estimate_mean(const MeanStats& stats, const TestConfig& config) {
  VariantEstimate e;
  e.n = stats.n;
  if (stats.n == 0) return e;
  e.value = stats.mean;
  auto var = stats.variance();
  if (!var) return e;
  e.se = std::sqrt(*var / static_cast<double>(stats.n));
  const double t = t_critical(config.confidence, static_cast<double>(stats.n - 1));
  e.ci_low = stats.mean - t * *e.se;
  e.ci_high = stats.mean + t * *e.se;
  return e;
}

Comparison welch_test(const MeanStats& control, const MeanStats& treatment, const TestConfig& config) {
  Comparison c;
  if (control.n == 0 || treatment.n == 0) {
    c.status = TestStatus::no_data;
    return c;
  }
  c.difference = treatment.mean - control.mean;
  if (control.n < 2 || treatment.n < 2) {
    c.status = TestStatus::insufficient_data;
    return c;
  }
  const double vc = *control.variance() / static_cast<double>(control.n);
  const double vt = *treatment.variance() / static_cast<double>(treatment.n);
  const double se = std::sqrt(vc + vt);
  c.difference_se = se;
  const double z = z_critical(config.confidence);
  add_lift(c, control.mean, std::sqrt(vc), treatment.mean, std::sqrt(vt), z);
  if (se == 0) {
    c.status = TestStatus::zero_variance;
    c.difference_ci_low = c.difference_ci_high = c.difference;
    return c;
  }
  // Welch-Satterthwaite, with both variances scaled by the larger: squaring them unscaled
  // overflows for values around 1e80 and made the degrees of freedom NaN.
  const double scale = std::max(vc, vt);
  const double rc = vc / scale, rt = vt / scale;
  const double df = (rc + rt) * (rc + rt) /
                    (rc * rc / static_cast<double>(control.n - 1) + rt * rt / static_cast<double>(treatment.n - 1));
  c.df = df;
  c.statistic = *c.difference / se;
  c.p_value = 2 * boost::math::cdf(boost::math::complement(boost::math::students_t(df), std::fabs(*c.statistic)));
  const double t = t_critical(config.confidence, df);
  c.difference_ci_low = *c.difference - t * se;
  c.difference_ci_high = *c.difference + t * se;
  return c;
}

Comparison conversion_test(const MeanStats& control, const MeanStats& treatment, const TestConfig& config) {
  Comparison c = welch_test(control, treatment, config);
  if (control.n == 0 || treatment.n == 0) return c;
  // Unpooled z: each proportion's own variance p(1-p)/n.
  const double pc = control.mean, pt = treatment.mean;
  const double se = std::sqrt(pc * (1 - pc) / static_cast<double>(control.n) + pt * (1 - pt) / static_cast<double>(treatment.n));
  if (se > 0) c.z_p_value = two_sided_normal_p((pt - pc) / se);
  const int64_t a = std::llround(control.mean * static_cast<double>(control.n));
  const int64_t b = std::llround(treatment.mean * static_cast<double>(treatment.n));
  const double total = static_cast<double>(control.n + treatment.n), converts = static_cast<double>(a + b);
  const double smallest = std::min({converts, total - converts}) * static_cast<double>(std::min(control.n, treatment.n)) / total;
  if (smallest < 5) c.fisher_p_value = fisher_exact_p(a, control.n, b, treatment.n);
  return c;
}

double fisher_exact_p(int64_t a, int64_t n1, int64_t b, int64_t n2) {
  const int64_t k = a + b, n = n1 + n2;
  auto log_choose = [](int64_t m, int64_t r) {
    return std::lgamma(static_cast<double>(m) + 1) - std::lgamma(static_cast<double>(r) + 1) -
           std::lgamma(static_cast<double>(m - r) + 1);
  };
  const double log_total = log_choose(n, k);
  auto log_p = [&](int64_t x) { return log_choose(n1, x) + log_choose(n2, k - x) - log_total; };
  const double observed = log_p(a) + std::log1p(1e-7);
  double p = 0;
  for (int64_t x = std::max<int64_t>(0, k - n2); x <= std::min(k, n1); ++x) {
    const double lx = log_p(x);
    if (lx <= observed) p += std::exp(lx);
  }
  return std::min(1.0, p);
}

VariantEstimate estimate_ratio(const RatioStats& stats, const TestConfig& config) {
  VariantEstimate e;
  e.n = stats.n;
  if (stats.n == 0 || stats.mean_y == 0) return e;
  const double r = stats.mean_x / stats.mean_y;
  e.value = r;
  if (stats.n < 2) return e;
  const double var = (*stats.variance_x() - 2 * r * *stats.covariance() + r * r * *stats.variance_y()) /
                     (static_cast<double>(stats.n) * stats.mean_y * stats.mean_y);
  e.se = std::sqrt(std::max(var, 0.0));
  const double z = z_critical(config.confidence);
  e.ci_low = r - z * *e.se;
  e.ci_high = r + z * *e.se;
  return e;
}

Comparison ratio_test(const RatioStats& control, const RatioStats& treatment, const TestConfig& config) {
  Comparison c;
  if (control.n == 0 || treatment.n == 0) {
    c.status = TestStatus::no_data;
    return c;
  }
  if (control.mean_y == 0 || treatment.mean_y == 0) {
    c.status = TestStatus::zero_denominator;
    return c;
  }
  VariantEstimate ec = estimate_ratio(control, config);
  VariantEstimate et = estimate_ratio(treatment, config);
  if (!ec.se || !et.se) {
    c.status = TestStatus::insufficient_data;
    c.difference = *et.value - *ec.value;
    return c;
  }
  return normal_difference(*ec.value, *ec.se, *et.value, *et.se, config);
}

VariantEstimate estimate_quantile(const QuantileSample& sample, double quantile, const TestConfig& config) {
  VariantEstimate e;
  e.n = sample.entities;
  e.events = static_cast<int64_t>(sample.values.size());
  if (sample.values.empty()) return e;
  // The k-th smallest value (0-based); selection leaves x partitioned around it for the next call.
  std::vector<double> x = sample.values;
  auto order_statistic = [&x](size_t k) {
    std::nth_element(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(k), x.end());
    return x[k];
  };
  const size_t n_values = x.size();
  const double h = (static_cast<double>(n_values) - 1) * quantile;
  const size_t lo = static_cast<size_t>(std::floor(h));
  const double below_value = order_statistic(lo);
  const double above_value = lo + 1 < n_values ? *std::min_element(x.begin() + static_cast<std::ptrdiff_t>(lo) + 1, x.end())
                                               : below_value;
  const double q = below_value + (h - static_cast<double>(lo)) * (above_value - below_value);
  e.value = q;
  if (sample.entities < 2) return e;

  // Delta-method variance of F(q) = sum(S_i) / sum(N_i) over entities, where N_i counts an
  // entity's values and S_i those at or below q (Deng, Knoblich and Lu 2018, section 4).
  // Both counts of an entity side by side, so a value's entity costs one cache line, not two
  // (millions of entities pass the caches); whole numbers, so the sums are the same bits.
  struct Counts {
    uint64_t below = 0;
    uint64_t total = 0;
  };
  std::vector<Counts> counts(sample.entities);
  for (size_t i = 0; i < n_values; ++i) {
    Counts& c = counts[sample.entity[i]];
    c.total += 1;
    if (sample.values[i] <= q) c.below += 1;
  }
  double sum_below = 0, sum_total = 0;
  for (const Counts& c : counts) {
    sum_below += static_cast<double>(c.below);
    sum_total += static_cast<double>(c.total);
  }
  const double r = sum_below / sum_total;
  double residual_ss = 0;
  for (const Counts& c : counts) {
    const double residual = static_cast<double>(c.below) - r * static_cast<double>(c.total);
    residual_ss += residual * residual;
  }
  const double m = static_cast<double>(sample.entities);
  const double sigma_f = std::sqrt(residual_ss * m / ((m - 1) * sum_total * sum_total));

  const double z = z_critical(config.confidence);
  const double big_n = static_cast<double>(n_values);
  const double low_rank = std::clamp(std::floor(big_n * (quantile - z * sigma_f)), 1.0, big_n);
  const double high_rank = std::clamp(std::ceil(big_n * (quantile + z * sigma_f)), 1.0, big_n);
  e.ci_low = order_statistic(static_cast<size_t>(low_rank) - 1);
  e.ci_high = order_statistic(static_cast<size_t>(high_rank) - 1);
  e.se = (*e.ci_high - *e.ci_low) / (2 * z);
  return e;
}

VariantEstimate estimate_quantile(const QuantileSummary& summary, const TestConfig& config) {
  VariantEstimate e;
  e.n = summary.entities;
  e.events = summary.events;
  if (summary.events == 0) return e;
  e.value = summary.value;
  if (summary.entities < 2 || !summary.ci_low || !summary.ci_high) return e;
  e.ci_low = summary.ci_low;
  e.ci_high = summary.ci_high;
  e.se = (*e.ci_high - *e.ci_low) / (2 * z_critical(config.confidence));
  return e;
}

Comparison quantile_test(const VariantEstimate& control, const VariantEstimate& treatment, const TestConfig& config) {
  Comparison c;
  if (!control.value || !treatment.value) {
    c.status = TestStatus::no_data;
    return c;
  }
  if (!control.se || !treatment.se) {
    c.status = TestStatus::insufficient_data;
    c.difference = *treatment.value - *control.value;
    return c;
  }
  return normal_difference(*control.value, *control.se, *treatment.value, *treatment.se, config);
}

}  // namespace expt
