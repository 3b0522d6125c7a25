#include "commands/lifecycle.h"

#include <ostream>

#include <fmt/format.h>

#include "commands/render/render.h"
#include "core/base/name_table.h"
#include "core/plan/transition_plan.h"

namespace expt {

namespace {

constexpr NameTable<Transition, 3> k_past_tense_words{{
    {Transition::start, "started"},
    {Transition::stop, "stopped"},
    {Transition::archive, "archived"},
}};

std::string_view past_tense(Transition t) { return name_of(k_past_tense_words, t); }

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
  const AuditStamp stamp = io.stamp();
  const TransitionBatch batch{keys, options.all, options.namespace_key, options.transition, options.reason, options.force};
  BatchPlan planned;
  Result<void> done = (*registry)->update(
      [&](const RegistryState& state) -> Result<ChangeSet> {
        auto plan = plan_transitions(state, batch, stamp);
        if (!plan) return std::move(plan).error();
        planned = std::move(*plan);
        return planned.changes;
      },
      transition_scope(batch));
  if (!done) return report(io, done.error());
  keys = planned.experiments;
  const std::vector<TransitionPlan>& plans = planned.plans;

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
