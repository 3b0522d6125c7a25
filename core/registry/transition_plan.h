#pragma once
// Plans `expt start|stop|archive`: checks the lifecycle rules against the registry and stamps
// the transition. Starting needs allocated slots and a valid variant set; archiving releases
// the slots (the range stays on the record as history).

#include <string>

#include "core/registry/lifecycle.h"
#include "core/registry/state.h"

namespace expt {

struct TransitionRequest {
  std::string experiment;
  Transition transition = Transition::start;
  std::string reason;  // recorded in the audit log when given
  bool force = false;  // start even when the plan: block does not reach its MDE (audited)
};

struct TransitionPlan {
  ExperimentStatus from = ExperimentStatus::draft;
  ExperimentStatus to = ExperimentStatus::draft;
  bool changed() const { return from != to; }
  ChangeSet changes;  // empty when nothing changes
};

// Errors: not_found for an unknown experiment; conflict for an illegal transition, or a start
// without slots, with an invalid variant set, or whose plan: block cannot reach its MDE within
// its planned duration and traffic (unless forced; the check and the override are audited).
Result<TransitionPlan> plan_transition(const RegistryState& state, const TransitionRequest& request,
                                       const AuditStamp& stamp);

}  // namespace expt
