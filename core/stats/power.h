#pragma once
// Pre-launch power analysis for a two-sample, two-sided test: the sample size per variant needed
// to detect a minimum effect, and the effect reachable with a given sample size. The model is
// the normal approximation statsmodels' NormalIndPower solves:
//   power = Phi(d sqrt(m) - z) + Phi(-d sqrt(m) - z),  m = 1 / (1/n_control + 1/n_treatment),
// with z the two-sided critical value, and the effect size d = delta / sigma for mean metrics,
// Cohen's h = 2 asin(sqrt(p2)) - 2 asin(sqrt(p1)) for conversions.

#include <cmath>
#include <optional>

#include "core/base/error.h"
#include "core/stats/metric_kind.h"

namespace expt {

struct PowerQuestion {
  MetricType metric_type = MetricType::conversion;  // conversion or mean
  double baseline = 0;                              // the control's rate or mean
  std::optional<double> std_dev;                    // mean metrics
  double alpha = 0.05;
  double power = 0.8;
  double ratio = 1;  // treatment size / control size
};

struct EffectSize {
  double absolute = 0;  // in metric units
  double relative = 0;  // absolute / baseline
  double standardized = 0;  // d or Cohen's h
};

// The absolute and standardized effect of an MDE of `mde` (relative or absolute) on `q.baseline`.
// Errors: a conversion pushed outside (0, 1), a mean metric without std_dev, non-positive inputs.
Result<EffectSize> effect_of(const PowerQuestion& q, double mde, MdeType mde_type);

// Entities needed in the control variant (the treatment needs ratio times as many), unrounded.
// `mde` may be negative (a test sized to detect a drop); it may not be 0.
Result<double> required_sample_size(const PowerQuestion& q, double mde, MdeType mde_type);

// The one rounding rule for sample sizes, used by `expt power` and the plan check alike: whole
// entities, rounded up, so the stated size reaches at least the stated power.
inline double whole_entities(double n) { return std::ceil(n); }

// The smallest upward effect detectable with `control_n` entities in control.
Result<EffectSize> minimum_detectable_effect(const PowerQuestion& q, double control_n);

// The power a test with these sizes reaches for a standardized effect.
double achieved_power(double standardized_effect, double control_n, double ratio, double alpha);

}  // namespace expt
