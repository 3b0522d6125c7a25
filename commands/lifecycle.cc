#include "commands/lifecycle.h"

#include <ostream>

#include <fmt/format.h>

#include "commands/render.h"
#include "core/registry/transition_plan.h"

namespace expt {

namespace {
std::string_view past_tense(Transition t) {
  switch (t) {
    case Transition::start: return "started";
    case Transition::stop: return "stopped";
    case Transition::archive: return "archived";
  }
  return "?";
}
}  // namespace

namespace {

// The experiments --all selects, in one namespace or (none named) the whole registry: those the
// transition applies to (drafts to start, running ones to stop, stopped and drafts to archive).
std::vector<std::string> selected(const RegistryState& state, const std::string& namespace_key, Transition t) {
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

ExitCode run_lifecycle(const LifecycleOptions& options, Io& io) {
  std::vector<std::string> keys = options.experiments;
  if (!options.experiment.empty()) keys.insert(keys.begin(), options.experiment);
  if (!options.all && !options.namespace_key.empty()) {
    return report(io, Error::invalid("--namespace selects with --all; add --all, or name experiments"));
  }
  if (options.all && !keys.empty()) return report(io, Error::invalid("name experiments or use --namespace NS --all, not both"));
  if (!options.all && keys.empty()) return report(io, Error::invalid("name an experiment, or use --namespace NS --all"));
  auto registry = open_registry(options.registry, OpenMode::must_exist, io);
  if (!registry) return report(io, registry.error());
  std::vector<TransitionPlan> plans;
  const AuditStamp stamp = io.stamp();
  // Named experiments, or one namespace's --all: only their namespaces' experiments are read.
  ReadScope scope;
  if (options.all) {
    if (!options.namespace_key.empty()) scope.namespaces = {options.namespace_key};
  } else {
    scope.experiments = keys;
  }
  Result<void> done = (*registry)->update([&](const RegistryState& state) -> Result<ChangeSet> {
    plans.clear();
    if (options.all) {
      if (!options.namespace_key.empty() && state.find_namespace(options.namespace_key) == nullptr) {
        return unknown_namespace(state, options.namespace_key);
      }
      keys = selected(state, options.namespace_key, options.transition);
    }
    // Each plan is made against the state as the earlier ones leave it, so that archiving one
    // experiment and starting another in one command behave as two commands would.
    RegistryState current = state;
    ChangeSet all;
    for (const std::string& key : keys) {
      auto planned = plan_transition(current, {key, options.transition, options.reason, options.force}, stamp);
      if (!planned) return std::move(planned).error();
      for (const ExperimentRecord& r : planned->changes.experiments) {
        for (ExperimentRecord& e : current.experiments) {
          if (e.spec.key == r.spec.key) e = r;
        }
        all.experiments.push_back(r);
      }
      for (const AuditEntry& a : planned->changes.audit) all.audit.push_back(a);
      plans.push_back(std::move(*planned));
    }
    return all;
  }, scope);
  if (!done) return report(io, done.error());

  const bool many = options.all || keys.size() > 1;
  if (options.format == OutputFormat::json) {
    nlohmann::json out = nlohmann::json::array();
    for (size_t i = 0; i < plans.size(); ++i) {
      out.push_back({{"experiment", keys[i]},
                     {"from", to_string(plans[i].from)},
                     {"to", to_string(plans[i].to)},
                     {"changed", plans[i].changed()},
                     {"at", plans[i].changed() ? stamp.at : ""}});
    }
    print_json(io.out, many ? out : out.at(0));
    return ExitCode::ok;
  }
  for (size_t i = 0; i < plans.size(); ++i) {
    const TransitionPlan& plan = plans[i];
    if (plan.changed()) {
      io.out << fmt::format("{} {} ({} -> {}) at {}\n", past_tense(options.transition), keys[i], to_string(plan.from),
                            to_string(plan.to), stamp.at);
    } else {
      io.out << fmt::format("experiment '{}' is already {}; nothing changed\n", keys[i], to_string(plan.to));
    }
  }
  if (options.all && plans.empty()) {
    io.out << fmt::format("{} has no experiment to {}\n",
                          options.namespace_key.empty() ? std::string("the registry") : "namespace '" + options.namespace_key + "'",
                          to_string(options.transition));
  }
  return ExitCode::ok;
}

}  // namespace expt
