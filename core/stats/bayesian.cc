#include "core/stats/bayesian.h"

#include <algorithm>
#include <cmath>

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>

namespace expt {

namespace {

using Beta = boost::math::beta_distribution<double>;

// Integrates g over the support of `x` (outside [q(1e-15), q(1 - 1e-15)] its density is
// negligible), so narrow posteriors of large samples cannot slip between quadrature nodes. A
// relative tolerance of 1e-9 gives results stable to about 1e-13 (the reported error estimates
// are near 1e-15); much tighter ones chase rounding noise in the tails and subdivide to the
// depth limit (a thousand times more evaluations for the same digits at n = 500,000).
template <typename G>
double integrate_over(const Beta& x, G g) {
  const double lo = boost::math::quantile(x, 1e-15);
  const double hi = boost::math::quantile(boost::math::complement(x, 1e-15));
  auto integrand = [&](double t) { return boost::math::pdf(x, t) * g(t); };
  double error = 0;
  return boost::math::quadrature::gauss_kronrod<double, 61>::integrate(integrand, lo, hi, 10, 1e-9, &error);
}

// E[max(Y - X, 0)] = integral of f_X(x) E[(Y - x)+] dx, where E[(Y - x)+] = E[Y] S_{Y+}(x) -
// x S_Y(x) and Y+ ~ Beta(a + 1, b) is Y size-biased. The integrand is never negative, so the
// result keeps its relative precision even when it is tiny.
double expected_shortfall(const Beta& x, const Beta& y) {
  const Beta y_plus(y.alpha() + 1, y.beta());
  const double mean_y = boost::math::mean(y);
  double v = integrate_over(x, [&](double t) {
    const double excess = mean_y * boost::math::cdf(boost::math::complement(y_plus, t)) -
                          t * boost::math::cdf(boost::math::complement(y, t));
    return std::max(excess, 0.0);
  });
  return std::max(v, 0.0);
}

}  // namespace

double beta_greater_probability(double a1, double b1, double a2, double b2) {
  const Beta x(a1, b1), y(a2, b2);
  return std::clamp(integrate_over(x, [&](double t) { return boost::math::cdf(y, t); }), 0.0, 1.0);
}

BayesianResult beta_binomial(const MeanStats& control, const MeanStats& treatment, Direction good) {
  BayesianResult r;
  if (control.n == 0 || treatment.n == 0) return r;
  // Posteriors Beta(1 + successes, 1 + failures).
  const double sc = std::round(control.sum()), st = std::round(treatment.sum());
  const Beta c(1 + sc, 1 + static_cast<double>(control.n) - sc);
  const Beta t(1 + st, 1 + static_cast<double>(treatment.n) - st);
  if (good == Direction::increase) {
    r.chance_to_beat = beta_greater_probability(t.alpha(), t.beta(), c.alpha(), c.beta());
    r.expected_loss = expected_shortfall(t, c);  // E[max(C - T, 0)]
  } else {
    r.chance_to_beat = beta_greater_probability(c.alpha(), c.beta(), t.alpha(), t.beta());
    r.expected_loss = expected_shortfall(c, t);  // E[max(T - C, 0)]
  }
  return r;
}

BayesianResult normal_approximation(const Comparison& comparison, Direction good) {
  BayesianResult r;
  if (!comparison.difference || !comparison.difference_se || *comparison.difference_se <= 0) return r;
  const boost::math::normal standard;
  // Orient so that a positive d is good.
  const double d = good == Direction::increase ? *comparison.difference : -*comparison.difference;
  const double se = *comparison.difference_se;
  r.chance_to_beat = boost::math::cdf(standard, d / se);
  // E[max(-D, 0)] for D ~ N(d, se^2).
  r.expected_loss = se * boost::math::pdf(standard, d / se) - d * boost::math::cdf(standard, -d / se);
  return r;
}

}  // namespace expt
