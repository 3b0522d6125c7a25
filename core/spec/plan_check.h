#pragma once
// The pre-launch power check `expt start` runs on an experiment's `plan:`: the entities the plan
// brings in against the sample size its minimum detectable effect needs (core/stats/power.h).

#include <cstdint>
#include <string>

#include "core/base/error.h"
#include "core/spec/spec.h"
#include "core/stats/power.h"

namespace expt {

// Whether an experiment's plan reaches its MDE: its traffic share of the namespace, outside the
// global holdout, over the planned days, split by allocation (the control against the smallest
// treatment arm).
struct PlanCheck {
  double entities_in_experiment = 0;
  double control_n = 0;
  double treatment_n = 0;  // the smallest treatment arm
  double required_control_n = 0;
  EffectSize reachable;     // at the planned sizes
  bool reaches_mde = false;
  std::string explanation;  // one sentence with the numbers
};
Result<PlanCheck> check_plan(const ExperimentSpec& experiment, const MetricSpec& metric, uint32_t experiment_slots,
                             uint32_t total_slots, uint32_t holdout_bps);

}  // namespace expt
