#include "core/spec/plan_check.h"

#include <algorithm>

#include <fmt/format.h>

namespace expt {

Result<PlanCheck> check_plan(const ExperimentSpec& experiment, const MetricSpec& metric, uint32_t experiment_slots,
                             uint32_t total_slots, uint32_t holdout_bps) {
  if (!experiment.plan) return Error::invalid(fmt::format("experiment '{}' has no plan", experiment.key));
  const PlanSpec& plan = *experiment.plan;
  if (experiment.variants.size() < 2) {
    return Error::invalid(fmt::format("experiment '{}' has no treatment to compare with its control", experiment.key));
  }
  const double control_share = experiment.variants[0].allocation_bps / 10000.0;
  double smallest = 1;
  for (size_t i = 1; i < experiment.variants.size(); ++i) {
    smallest = std::min(smallest, experiment.variants[i].allocation_bps / 10000.0);
  }
  PlanCheck c;
  c.entities_in_experiment = plan.daily_entities * plan.duration_days * experiment_slots / total_slots *
                             (1 - holdout_bps / 10000.0);
  c.control_n = c.entities_in_experiment * control_share;
  c.treatment_n = c.entities_in_experiment * smallest;
  PowerQuestion q{metric.type, plan.baseline, plan.std_dev, plan.alpha, plan.power, smallest / control_share};
  auto required = required_sample_size(q, plan.mde, plan.mde_type);
  if (!required) return std::move(required).error();
  c.required_control_n = whole_entities(*required);
  auto reachable = minimum_detectable_effect(q, std::max(c.control_n, 2.0));
  if (!reachable) return std::move(reachable).error();
  c.reachable = *reachable;
  c.reaches_mde = c.control_n >= c.required_control_n;
  std::string mde = plan.mde_type == MdeType::relative ? fmt::format("{:.4g}% relative", plan.mde * 100)
                                                       : fmt::format("{:.4g} absolute", plan.mde);
  c.explanation = fmt::format(
      "plan for '{}' on '{}': {:.0f} days x {:.0f} entities/day x {}/{} slots{} = {:.0f} entities, {:.0f} in control; "
      "an MDE of {} (alpha {}, power {}) needs {:.0f} in control; reachable MDE is {:.4g}% relative",
      experiment.key, metric.key, plan.duration_days, plan.daily_entities, experiment_slots, total_slots,
      holdout_bps > 0 ? fmt::format(" x {:.4g}% outside the global holdout", 100 - holdout_bps / 100.0) : "",
      c.entities_in_experiment, c.control_n, mde, plan.alpha, plan.power, c.required_control_n,
      c.reachable.relative * 100);
  return c;
}

}  // namespace expt
