#include "core/stats/srm.h"

#include <boost/math/distributions/chi_squared.hpp>

namespace expt {

SrmResult sample_ratio_test(std::span<const int64_t> observed, std::span<const double> weights) {
  SrmResult r;
  double total = 0, weight_total = 0;
  for (int64_t o : observed) total += static_cast<double>(o);
  for (double w : weights) weight_total += w;
  for (double w : weights) r.expected.push_back(total * w / weight_total);
  r.degrees_of_freedom = static_cast<int>(observed.size()) - 1;
  if (total == 0 || r.degrees_of_freedom < 1) return r;
  double chi2 = 0;
  for (size_t i = 0; i < observed.size(); ++i) {
    const double d = static_cast<double>(observed[i]) - r.expected[i];
    chi2 += d * d / r.expected[i];
  }
  r.chi_square = chi2;
  r.p_value = boost::math::cdf(
      boost::math::complement(boost::math::chi_squared(static_cast<double>(r.degrees_of_freedom)), chi2));
  r.mismatch = *r.p_value < k_srm_threshold;
  return r;
}

}  // namespace expt
