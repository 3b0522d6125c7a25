#pragma once
// Plans `expt start|stop|archive`: checks the lifecycle rules against the registry and stamps
// the transition. Starting needs allocated slots and a valid variant set; archiving releases
// the slots (the range stays on the record as history).

#include <string>
#include <vector>

#include "core/registry/lifecycle.h"
#include "core/registry/registry.h"
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

// Several transitions in one command: the experiments named, or with `all` every experiment the
// transition applies to (drafts to start, running ones to stop, stopped ones and drafts to
// archive) in `namespace_key`, or the whole registry when it is empty.
struct TransitionBatch {
  std::vector<std::string> experiments;
  bool all = false;
  std::string namespace_key;
  Transition transition = Transition::start;
  std::string reason;
  bool force = false;
};

struct BatchPlan {
  std::vector<std::string> experiments;  // in the order planned
  std::vector<TransitionPlan> plans;     // one per experiment
  ChangeSet changes;                     // all of them
};

// Each transition is planned against the state as the earlier ones leave it, so that archiving
// one experiment and starting another in one command behave as two commands would. All or
// nothing: the first Error is returned. Errors also: an unknown namespace with `all`.
Result<BatchPlan> plan_transitions(const RegistryState& state, const TransitionBatch& batch, const AuditStamp& stamp);

// What the batch reads of the registry: the named experiments' namespaces, or the one namespace.
ReadScope transition_scope(const TransitionBatch& batch);

}  // namespace expt
