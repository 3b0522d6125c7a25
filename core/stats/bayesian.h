#pragma once
// Bayesian read-outs over the same sufficient statistics as the frequentist tests: the chance
// that treatment beats control in the metric's good direction, and the expected loss of
// shipping treatment (how much worse it is expected to be, in metric units, when it is worse).
// Conversions use Beta(1, 1) priors and exact Beta posteriors, integrated numerically (no Monte
// Carlo); means and ratios use a normal approximation to the posterior of the difference.

#include <optional>

#include "core/stats/metric_kind.h"
#include "core/stats/sufficient_stats.h"
#include "core/stats/test_result.h"

namespace expt {

struct BayesianResult {
  std::optional<double> chance_to_beat;  // P(treatment better than control)
  std::optional<double> expected_loss;   // E[max(control - treatment, 0)] in the good direction
};

// P(X > Y) for independent X ~ Beta(a1, b1) and Y ~ Beta(a2, b2), by adaptive Gauss-Kronrod
// quadrature of f_X(x) F_Y(x) over X's support; accurate to about 1e-10 absolute.
double beta_greater_probability(double a1, double b1, double a2, double b2);

// Conversion (0/1 data, sums are success counts) with Beta(1, 1) priors.
BayesianResult beta_binomial(const MeanStats& control, const MeanStats& treatment, Direction good);

// Normal approximation: the difference ~ N(comparison.difference, comparison.difference_se^2).
// Empty when the comparison has no standard error.
BayesianResult normal_approximation(const Comparison& comparison, Direction good);

}  // namespace expt
