#include "core/transition_plan.h"

#include <fmt/format.h>

#include "core/variant_set.h"

namespace expt {

Result<TransitionPlan> plan_transition(const RegistryState& state, const TransitionRequest& request,
                                       const AuditStamp& stamp) {
  const ExperimentRecord* e = state.find_experiment(request.experiment);
  if (e == nullptr) return unknown_experiment(state, request.experiment);
  Result<ExperimentStatus> next = next_status(e->spec.key, e->status, request.transition);
  if (!next) return std::move(next).error();

  TransitionPlan plan;
  plan.from = e->status;
  plan.to = *next;
  if (!plan.changed()) return plan;

  if (request.transition == Transition::start) {
    if (!e->slots) {
      return Error::conflict(fmt::format("experiment '{}' has no slots; allocate them first (expt allocate {})",
                                         e->spec.key, e->spec.key));
    }
    if (auto problem = variant_set_problem(e->spec.type, e->spec.variants)) {
      return Error::conflict(fmt::format("experiment '{}' cannot start: {}", e->spec.key, problem->message));
    }
  }

  ExperimentRecord record = *e;
  record.status = plan.to;
  record.updated_at = stamp.at;
  switch (request.transition) {
    case Transition::start: record.started_at = stamp.at; break;
    case Transition::stop: record.stopped_at = stamp.at; break;
    case Transition::archive: record.archived_at = stamp.at; break;
  }
  nlohmann::json details{{"from", to_string(plan.from)}, {"to", to_string(plan.to)}};
  if (record.slots) details["slots"] = to_string(*record.slots);
  if (!request.reason.empty()) details["reason"] = request.reason;
  plan.changes.experiments.push_back(std::move(record));
  plan.changes.audit.push_back(AuditEntry{0, stamp.at, stamp.actor, std::string(to_string(request.transition)),
                                          "experiment", e->spec.key, std::move(details)});
  return plan;
}

}  // namespace expt
