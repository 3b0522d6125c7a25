#include "core/stats/power.h"

#include <algorithm>
#include <cmath>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/tools/roots.hpp>
#include <fmt/format.h>

namespace expt {

namespace {

const boost::math::normal k_normal;

double effective_n(double control_n, double ratio) { return 1.0 / (1.0 / control_n + 1.0 / (control_n * ratio)); }

Error invalid(std::string message) { return Error::invalid(std::move(message)); }

Result<void> check_question(const PowerQuestion& q) {
  if (q.alpha <= 0 || q.alpha >= 1) return invalid("alpha must be in (0, 1)");
  if (q.power <= 0 || q.power >= 1) return invalid("power must be in (0, 1)");
  if (q.ratio <= 0) return invalid("the treatment/control size ratio must be positive");
  if (q.metric_type == MetricType::conversion && (q.baseline <= 0 || q.baseline >= 1)) {
    return invalid(fmt::format("a conversion baseline must be in (0, 1), got {}", q.baseline));
  }
  if (q.metric_type == MetricType::mean) {
    if (!q.std_dev || *q.std_dev <= 0) return invalid("a mean metric needs a positive standard deviation (--std-dev)");
  }
  if (q.metric_type != MetricType::conversion && q.metric_type != MetricType::mean) {
    return invalid("power analysis covers conversion and mean metrics");
  }
  return {};
}

// Solves f(x) = 0 for x in [lo, hi] where f is increasing, to full double precision.
double solve_increasing(const std::function<double(double)>& f, double lo, double hi) {
  while (f(hi) < 0) hi *= 2;
  boost::uintmax_t iterations = 200;
  auto tolerance = boost::math::tools::eps_tolerance<double>(52);
  auto [a, b] = boost::math::tools::toms748_solve(f, lo, hi, tolerance, iterations);
  return (a + b) / 2;
}

}  // namespace

double achieved_power(double d, double control_n, double ratio, double alpha) {
  const double z = boost::math::quantile(boost::math::complement(k_normal, alpha / 2));
  const double shift = d * std::sqrt(effective_n(control_n, ratio));
  return boost::math::cdf(boost::math::complement(k_normal, z - shift)) + boost::math::cdf(k_normal, -z - shift);
}

Result<EffectSize> effect_of(const PowerQuestion& q, double mde, MdeType mde_type) {
  if (auto ok = check_question(q); !ok) return std::move(ok).error();
  if (mde == 0 || !std::isfinite(mde)) return invalid("the minimum detectable effect must be a non-zero number");
  EffectSize e;
  e.absolute = mde_type == MdeType::relative ? mde * q.baseline : mde;
  e.relative = e.absolute / q.baseline;
  if (q.metric_type == MetricType::conversion) {
    const double p2 = q.baseline + e.absolute;
    if (p2 >= 1) return invalid(fmt::format("baseline {} plus the effect {} is not a rate below 1", q.baseline, e.absolute));
    if (p2 <= 0) return invalid(fmt::format("baseline {} plus the effect {} is not a rate above 0", q.baseline, e.absolute));
    e.standardized = 2 * std::asin(std::sqrt(p2)) - 2 * std::asin(std::sqrt(q.baseline));
  } else {
    e.standardized = e.absolute / *q.std_dev;
  }
  return e;
}

Result<double> required_sample_size(const PowerQuestion& q, double mde, MdeType mde_type) {
  auto effect = effect_of(q, mde, mde_type);
  if (!effect) return std::move(effect).error();
  const double d = effect->standardized;
  // Start from the one-tail closed form; the root adds the (tiny) other tail, as statsmodels does.
  const double z_alpha = boost::math::quantile(boost::math::complement(k_normal, q.alpha / 2));
  const double z_power = boost::math::quantile(k_normal, q.power);
  const double guess = (z_alpha + z_power) * (z_alpha + z_power) / (d * d) * (1 + 1 / q.ratio);
  return solve_increasing([&](double n) { return achieved_power(d, n, q.ratio, q.alpha) - q.power; }, guess / 4,
                          guess * 2);
}

Result<EffectSize> minimum_detectable_effect(const PowerQuestion& q, double control_n) {
  if (auto ok = check_question(q); !ok) return std::move(ok).error();
  if (control_n < 2) return invalid("the sample size must be at least 2 per variant");
  const double d = solve_increasing(
      [&](double effect) { return achieved_power(effect, control_n, q.ratio, q.alpha) - q.power; }, 1e-12, 1);
  EffectSize e;
  e.standardized = d;
  if (q.metric_type == MetricType::conversion) {
    const double angle = std::asin(std::sqrt(q.baseline)) + d / 2;
    if (angle >= M_PI / 2) return invalid("no conversion rate below 1 is detectable with this sample size");
    const double p2 = std::sin(angle) * std::sin(angle);
    e.absolute = p2 - q.baseline;
  } else {
    e.absolute = d * *q.std_dev;
  }
  e.relative = e.absolute / q.baseline;
  return e;
}

}  // namespace expt
