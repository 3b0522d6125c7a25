#pragma once
// What real data satisfies, checked on sufficient statistics before any statistic is computed
// from them (`analyze --aggregates`, and the rows a warehouse returns to `analyze --source`).
// Numbers that no data set can produce would otherwise be clamped and analysed: a sum of
// squares below (Σy)²/n is a negative variance, a conversion count above n is a probability
// above 1, a covariance beyond Cauchy–Schwarz is a correlation above 1. docs/warehouse.md lists
// the rules.

#include <optional>
#include <string>

#include "core/stats/metric_kind.h"

namespace expt {

// The sums of one metric and variant, added up over its rows.
struct SumsToCheck {
  double n = 0;
  double sum = 0, sum_squares = 0;                          // Σy, Σy²
  double denominator_sum = 0, denominator_sum_squares = 0;  // ratios: Σx, Σx²
  double sum_product = 0;                                   // ratios: Σxy
};

// The rule `sums` break, as the end of a sentence ("sum 310 is more than n = 300: a conversion
// counts each entity at most once"); nullopt when they are possible. Rounding is allowed for:
// comparisons hold within a relative 1e-9 of the larger side.
std::optional<std::string> impossible_metric_sums(MetricType type, const SumsToCheck& sums);

// The same for a CUPED covariate: its own n, Σx, Σx², and Σxy with the metric's Σy and Σy².
std::optional<std::string> impossible_covariate_sums(const SumsToCheck& metric, double n, double sum, double sum_squares,
                                                     double sum_product);

// A percentile row's estimate and interval: finite, ordered ci_low <= value <= ci_high, at least
// one value per entity.
std::optional<std::string> impossible_percentile(double entities, double events, double value, double ci_low, double ci_high);

}  // namespace expt
