#include "core/plan/transition_plan.h"

#include <fmt/format.h>

#include "core/assign/variant_set.h"
#include "core/base/printable.h"
#include "core/plan/launch_checks.h"
#include "core/spec/plan_check.h"

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
    if (auto problem = variant_set_problem(e->spec.type, allocations_of(e->spec.variants))) {
      return Error::conflict(fmt::format("experiment '{}' cannot start: {}", e->spec.key, problem->message));
    }
  }
  nlohmann::json plan_details;
  if (request.transition == Transition::start && e->spec.plan) {
    const MetricRecord* metric = state.find_metric(e->spec.plan->metric);
    const NamespaceRecord* ns = state.find_namespace(e->spec.namespace_key);
    if (metric == nullptr || ns == nullptr) {
      return Error::conflict(fmt::format("experiment '{}' cannot start: its plan's metric or namespace is missing", e->spec.key));
    }
    const uint32_t holdout = state.global_holdout ? state.global_holdout->spec.percent_bps : 0;
    auto check = check_plan(e->spec, metric->spec, e->slots->size(), ns->spec.total_slots, holdout);
    if (!check) return Error::conflict(fmt::format("experiment '{}' cannot start: {}", e->spec.key, check.error().message));
    plan_details = {{"reaches_mde", check->reaches_mde}, {"check", check->explanation}};
    if (!check->reaches_mde && !request.force) {
      return Error::conflict(fmt::format("experiment '{}' cannot reach its planned MDE: {}; raise traffic or duration, "
                                         "or start anyway with --force (audited)",
                                         e->spec.key, check->explanation));
    }
    if (!check->reaches_mde) plan_details["forced"] = true;
  }
  // The rest of the pre-launch checklist (core/plan/launch_checks.h): review approvals, a
  // guardrail the policy requires, a spec unchanged since approval. Overriding them takes
  // --force and a reason, both audited.
  nlohmann::json overridden = nlohmann::json::array();
  if (request.transition == Transition::start) {
    std::vector<std::string> failures;
    for (const LaunchCheck& c : launch_checks(state, *e)) {
      if (c.outcome != CheckOutcome::fail || c.name == "plan" || c.name == "slots" || c.name == "variants") continue;
      failures.push_back(fmt::format("{}: {}", c.name, c.reason));
      overridden.push_back(c.name);
    }
    if (!failures.empty() && !request.force) {
      return Error::conflict(fmt::format("experiment '{}' cannot start: {}; `expt check {}` lists every check, and "
                                         "--force --reason TEXT starts it anyway (audited)",
                                         e->spec.key, fmt::join(failures, "; "), e->spec.key));
    }
    if (!failures.empty() && !has_words(request.reason)) {
      return Error::invalid(fmt::format("--force over a failed pre-launch check needs --reason: say why experiment '{}' "
                                        "starts without it",
                                        e->spec.key));
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
  if (!plan_details.is_null()) details["plan"] = plan_details;
  if (!overridden.empty()) details["forced_checks"] = overridden;
  plan.changes.experiments.push_back(std::move(record));
  plan.changes.audit.push_back(AuditEntry{0, stamp.at, stamp.actor, std::string(to_string(request.transition)),
                                          "experiment", e->spec.key, std::move(details)});
  return plan;
}

namespace {

std::vector<std::string> applicable(const RegistryState& state, const std::string& namespace_key, Transition t) {
  std::vector<std::string> keys;
  for (const ExperimentRecord& e : state.experiments) {
    if (!namespace_key.empty() && e.spec.namespace_key != namespace_key) continue;
    const bool applies = t == Transition::start   ? e.status == ExperimentStatus::draft
                         : t == Transition::stop  ? e.status == ExperimentStatus::running
                                                  : e.status == ExperimentStatus::stopped || e.status == ExperimentStatus::draft;
    if (applies) keys.push_back(e.spec.key);
  }
  return keys;
}

}  // namespace

Result<BatchPlan> plan_transitions(const RegistryState& state, const TransitionBatch& batch, const AuditStamp& stamp) {
  BatchPlan out;
  out.experiments = batch.experiments;
  if (batch.all) {
    if (!batch.namespace_key.empty() && state.find_namespace(batch.namespace_key) == nullptr) {
      return unknown_namespace(state, batch.namespace_key);
    }
    out.experiments = applicable(state, batch.namespace_key, batch.transition);
  }
  RegistryState current = state;
  for (const std::string& key : out.experiments) {
    auto planned = plan_transition(current, {key, batch.transition, batch.reason, batch.force}, stamp);
    if (!planned) return std::move(planned).error();
    for (const ExperimentRecord& r : planned->changes.experiments) {
      for (ExperimentRecord& e : current.experiments) {
        if (e.spec.key == r.spec.key) e = r;
      }
      out.changes.experiments.push_back(r);
    }
    for (const AuditEntry& a : planned->changes.audit) out.changes.audit.push_back(a);
    out.plans.push_back(std::move(*planned));
  }
  return out;
}

ReadScope transition_scope(const TransitionBatch& batch) {
  ReadScope scope;
  if (batch.all) {
    if (!batch.namespace_key.empty()) scope.namespaces = {batch.namespace_key};
  } else {
    scope.experiments = batch.experiments;
  }
  return scope;
}

}  // namespace expt
