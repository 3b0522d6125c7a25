#include "core/stats/cuped.h"

#include <algorithm>

namespace expt {

CupedAdjustment cuped_adjust(const std::vector<RatioStats>& pairs) {
  CupedAdjustment result;
  RatioStats pooled;
  for (const RatioStats& p : pairs) pooled += p;
  result.covariate_mean = pooled.mean_y;
  // Var(X) == 0 (no entity has pre-exposure data, or all have the same) leaves nothing to
  // regress on; theta = 0 is then the unadjusted analysis, as in GrowthBook.
  if (pooled.n >= 2 && pooled.m2_y > 0) result.theta = pooled.c_xy / pooled.m2_y;
  const double theta = result.theta;
  double before = 0, after = 0;
  for (const RatioStats& p : pairs) {
    MeanStats a;
    a.n = p.n;
    if (p.n > 0) {
      a.mean = p.mean_x - theta * (p.mean_y - result.covariate_mean);
      // sum of (Y' - mean Y')^2 = sum of ((Y - mean Y) - theta (X - mean X))^2
      a.m2 = std::max(0.0, p.m2_x - 2 * theta * p.c_xy + theta * theta * p.m2_y);
    }
    before += p.m2_x;
    after += a.m2;
    result.adjusted.push_back(a);
  }
  if (before > 0) result.variance_reduction = 1 - after / before;
  return result;
}

}  // namespace expt
