#include "core/stats/sequential.h"

#include <algorithm>
#include <cmath>

namespace expt {

namespace {

double rho_squared(double alpha, double tuning) {
  const double l = -2 * std::log(alpha);
  return (l + std::log(l + 1)) / tuning;
}

}  // namespace

double sequential_multiplier(double n, double alpha, double tuning) {
  const double a = n * rho_squared(alpha, tuning);  // N rho^2
  return std::sqrt(2 * (a + 1) * std::log(std::sqrt(a + 1) / alpha) / a);
}

double sequential_p_value(double z, double n, double alpha, double tuning) {
  const double a = n * rho_squared(alpha, tuning);
  // log of 1/E, so that a large z underflows to 0 instead of overflowing exp().
  const double log_p = 0.5 * std::log(a + 1) - z * z * a / (2 * (a + 1));
  return std::min(1.0, std::exp(log_p));
}

void make_sequential(Comparison& c, int64_t n, double confidence, double tuning) {
  if (n < 2) return;
  const double alpha = 1 - confidence;
  const double m = sequential_multiplier(static_cast<double>(n), alpha, tuning);
  if (c.difference && c.difference_se) {
    c.difference_ci_low = *c.difference - m * *c.difference_se;
    c.difference_ci_high = *c.difference + m * *c.difference_se;
    if (*c.difference_se > 0) {
      c.p_value = sequential_p_value(*c.difference / *c.difference_se, static_cast<double>(n), alpha, tuning);
    }
  }
  if (c.lift && c.lift_se) {
    c.lift_ci_low = *c.lift - m * *c.lift_se;
    c.lift_ci_high = *c.lift + m * *c.lift_se;
  }
  c.df.reset();
  c.z_p_value.reset();
  c.fisher_p_value.reset();
}

}  // namespace expt
