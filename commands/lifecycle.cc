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

ExitCode run_lifecycle(const LifecycleOptions& options, Io& io) {
  auto registry = open_registry(options.registry, OpenMode::must_exist, io);
  if (!registry) return report(io, registry.error());
  TransitionPlan plan;
  const AuditStamp stamp = io.stamp();
  Result<void> done = (*registry)->update([&](const RegistryState& state) -> Result<ChangeSet> {
    auto planned = plan_transition(state, {options.experiment, options.transition, options.reason, options.force}, stamp);
    if (!planned) return std::move(planned).error();
    plan = std::move(*planned);
    return plan.changes;
  });
  if (!done) return report(io, done.error());

  if (options.format == OutputFormat::json) {
    print_json(io.out, {{"experiment", options.experiment},
                        {"from", to_string(plan.from)},
                        {"to", to_string(plan.to)},
                        {"changed", plan.changed()},
                        {"at", plan.changed() ? stamp.at : ""}});
  } else if (plan.changed()) {
    io.out << fmt::format("{} {} ({} -> {}) at {}\n", past_tense(options.transition), options.experiment,
                          to_string(plan.from), to_string(plan.to), stamp.at);
  } else {
    io.out << fmt::format("experiment '{}' is already {}; nothing changed\n", options.experiment, to_string(plan.to));
  }
  return ExitCode::ok;
}

}  // namespace expt
