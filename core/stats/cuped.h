#pragma once
// CUPED variance reduction (Deng, Xu, Kohavi and Walker, "Improving the sensitivity of online
// controlled experiments by utilizing pre-experiment data", WSDM 2013), as GrowthBook applies it
// to mean and conversion metrics. Each entity's value Y is paired with a covariate X (the same
// metric over a window before its exposure). With theta = Cov(Y, X) / Var(X) over all variants
// pooled together, the adjusted value is Y' = Y - theta (X - mean X), and every test for means
// runs on Y' unchanged: the adjusted statistics below are exactly those of the Y' values.
// docs/statistics.md gives the formulas and how theta differs from an OLS coefficient.

#include <optional>
#include <vector>

#include "core/stats/sufficient_stats.h"

namespace expt {

// The covariate's window before each entity's exposure, in days: the default, and the bound a
// window must keep (from a spec or a flag): more than 0, at most a year.
inline constexpr double k_default_cuped_window_days = 14;
inline constexpr double k_max_cuped_window_days = 366;
constexpr bool valid_cuped_window(double days) { return days > 0 && days <= k_max_cuped_window_days; }
// "a number of days in (0, 366]": what a message says a window must be.
inline constexpr const char* k_cuped_window_rule = "a number of days in (0, 366]";

struct CupedAdjustment {
  double theta = 0;           // 0 when the covariate is constant: no adjustment
  double covariate_mean = 0;  // mean X over all variants
  std::vector<MeanStats> adjusted;  // per variant: n, mean and squared deviations of Y'
  // 1 - (sum of the variants' within-variant variance of Y') / (the same of Y): the share of
  // the metric's variance CUPED removed; nullopt when Y has no variance.
  std::optional<double> variance_reduction;
};

// `pairs` per variant, with x = the metric's value Y and y = the covariate X (RatioStats holds
// any pair of per-entity values).
CupedAdjustment cuped_adjust(const std::vector<RatioStats>& pairs);

}  // namespace expt
