#pragma once
// Frequentist tests over sufficient statistics (docs/statistics.md gives formulas and sources):
// Welch's t-test for means and conversions (plus the unpooled z-test for conversions), the
// delta-method z-test for ratios, and a clustered order-statistic method for percentiles.
// Relative lifts use the delta method with a normal interval. Pure functions.

#include "core/stats/sufficient_stats.h"
#include "core/stats/test_result.h"

namespace expt {

// Mean with standard error s / sqrt(n) and a t interval (n - 1 degrees of freedom).
VariantEstimate estimate_mean(const MeanStats& stats, const TestConfig& config);

// Welch's unequal-variance t-test of treatment - control.
Comparison welch_test(const MeanStats& control, const MeanStats& treatment, const TestConfig& config);

// Welch's test on 0/1 data plus the unpooled (Wald) two-proportion z-test in z_p_value, and,
// when an expected cell count of the 2x2 table is below 5, Fisher's exact test in fisher_p_value.
Comparison conversion_test(const MeanStats& control, const MeanStats& treatment, const TestConfig& config);

// Two-sided Fisher's exact test of the 2x2 table (a of n1 against b of n2): the probability,
// with the margins fixed, of every table no more likely than the observed one (SciPy's
// definition, with its relative tolerance of 1e-7).
double fisher_exact_p(int64_t a, int64_t n1, int64_t b, int64_t n2);

// sum(x) / sum(y) with its delta-method standard error and a normal interval.
VariantEstimate estimate_ratio(const RatioStats& stats, const TestConfig& config);
Comparison ratio_test(const RatioStats& control, const RatioStats& treatment, const TestConfig& config);

// The `quantile` (0..1) of the sample's values: the point estimate interpolates linearly between
// order statistics (Hyndman and Fan type 7, numpy's default); the interval is the pair of order
// statistics at ranks N(p -+ z sigma), where sigma is the delta-method standard error of the
// empirical CDF at the estimate with entities as clusters; the standard error is that interval's
// width / 2z. Linear time: order statistics are found by selection, not sorting.
VariantEstimate estimate_quantile(const QuantileSample& sample, double quantile, const TestConfig& config);
// The same estimate from a summary computed elsewhere (its confidence must be config's).
VariantEstimate estimate_quantile(const QuantileSummary& summary, const TestConfig& config);
// z-test on the difference of two quantile estimates (from estimate_quantile).
Comparison quantile_test(const VariantEstimate& control, const VariantEstimate& treatment, const TestConfig& config);

// The two-sided normal critical value for `confidence`, e.g. 1.959964 for 0.95.
double z_critical(double confidence);

}  // namespace expt
