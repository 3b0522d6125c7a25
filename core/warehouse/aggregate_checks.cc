#include "core/warehouse/aggregate_checks.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace expt {

namespace {

constexpr double k_relative = 1e-9;

// a <= b, allowing for the rounding of sums accumulated in floating point.
bool at_most(double a, double b) { return a <= b + k_relative * std::max({std::abs(a), std::abs(b), 1.0}); }

// Σy² - (Σy)²/n, the sum of squared deviations, which no data makes negative.
std::optional<std::string> squares_rule(double n, double sum, double sum_squares, const char* sum_name,
                                        const char* squares_name) {
  if (sum_squares < 0 && !at_most(0, sum_squares)) {
    return fmt::format("{} {:.17g} is negative: a sum of squares is at least 0", squares_name, sum_squares);
  }
  if (n > 0 && !at_most(sum * sum / n, sum_squares)) {
    return fmt::format("{} {:.17g} is less than {}²/n = {:.17g}, which no data gives (the variance would be negative)",
                       squares_name, sum_squares, sum_name, sum * sum / n);
  }
  if (n == 0 && (sum != 0 || sum_squares != 0)) return fmt::format("n is 0 but {} or {} is not", sum_name, squares_name);
  return std::nullopt;
}

// (Σxy - ΣxΣy/n)² <= (Σx² - (Σx)²/n)(Σy² - (Σy)²/n): a correlation is within [-1, 1].
std::optional<std::string> cauchy_schwarz(double n, double sx, double sxx, double sy, double syy, double sxy,
                                          const char* product_name) {
  if (n <= 0) return std::nullopt;
  const double cov = sxy - sx * sy / n;
  const double vx = std::max(0.0, sxx - sx * sx / n), vy = std::max(0.0, syy - sy * sy / n);
  if (!at_most(cov * cov, vx * vy)) {
    return fmt::format("{} {:.17g} gives a correlation of {:.4g}, beyond [-1, 1], which no data gives", product_name, sxy,
                       vx * vy > 0 ? cov / std::sqrt(vx * vy) : std::copysign(INFINITY, cov));
  }
  return std::nullopt;
}

bool finite(double v) { return std::isfinite(v); }

}  // namespace

std::optional<std::string> impossible_metric_sums(MetricType type, const SumsToCheck& s) {
  for (double v : {s.sum, s.sum_squares, s.denominator_sum, s.denominator_sum_squares, s.sum_product}) {
    if (!finite(v)) return std::string("a sum is not a finite number");
  }
  if (type == MetricType::conversion) {
    if (s.sum < 0 || !at_most(s.sum, s.n)) {
      return fmt::format("sum {:.17g} is outside [0, n = {:.17g}]: a conversion counts each entity at most once", s.sum, s.n);
    }
    if (s.sum != std::floor(s.sum)) return fmt::format("sum {:.17g} is not a whole number of converted entities", s.sum);
    if (!at_most(s.sum_squares, s.sum) || !at_most(s.sum, s.sum_squares)) {
      return fmt::format("sum_squares {:.17g} differs from sum {:.17g}: a conversion's values are 0 and 1, so Σy² = Σy",
                         s.sum_squares, s.sum);
    }
    return std::nullopt;
  }
  if (auto broken = squares_rule(s.n, s.sum, s.sum_squares, "sum", "sum_squares")) return broken;
  if (type != MetricType::ratio) return std::nullopt;
  if (auto broken = squares_rule(s.n, s.denominator_sum, s.denominator_sum_squares, "denominator_sum", "denominator_sum_squares")) {
    return broken;
  }
  return cauchy_schwarz(s.n, s.sum, s.sum_squares, s.denominator_sum, s.denominator_sum_squares, s.sum_product, "sum_product");
}

std::optional<std::string> impossible_covariate_sums(const SumsToCheck& metric, double n, double sum, double sum_squares,
                                                     double sum_product) {
  for (double v : {sum, sum_squares, sum_product}) {
    if (!finite(v)) return std::string("a sum is not a finite number");
  }
  if (auto broken = squares_rule(n, sum, sum_squares, "sum", "sum_squares")) return broken;
  return cauchy_schwarz(n, sum, sum_squares, metric.sum, metric.sum_squares, sum_product, "sum_product");
}

std::optional<std::string> impossible_percentile(double entities, double events, double value, double ci_low, double ci_high) {
  if (entities > 0 && events < entities) {
    return fmt::format("events {:.17g} is less than n = {:.17g}: each entity counted has at least one value", events, entities);
  }
  const bool has_value = !std::isnan(value), has_low = !std::isnan(ci_low), has_high = !std::isnan(ci_high);
  if ((has_value && !finite(value)) || (has_low && !finite(ci_low)) || (has_high && !finite(ci_high))) {
    return std::string("value, ci_low or ci_high is not a finite number");
  }
  if (events > 0 && !has_value) return std::string("value is missing: rows with events need the quantile's estimate");
  if (has_low && has_high && ci_low > ci_high) {
    return fmt::format("ci_low {:.17g} is above ci_high {:.17g}: an interval's ends are ordered", ci_low, ci_high);
  }
  if (has_value && ((has_low && value < ci_low) || (has_high && value > ci_high))) {
    return fmt::format("value {:.17g} is outside its interval [{:.17g}, {:.17g}]", value, has_low ? ci_low : value,
                       has_high ? ci_high : value);
  }
  return std::nullopt;
}

}  // namespace expt
