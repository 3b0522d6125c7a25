#include "commands/allocate.h"

#include <ostream>

#include <fmt/format.h>

#include "commands/render/render.h"
#include "core/plan/allocation_plan.h"

namespace expt {

ExitCode run_allocate(const AllocateOptions& options, Io& io) {
  if (options.experiments.empty() && !options.all) {
    return report(io, Error::invalid("name the experiments to allocate, or pass --all"));
  }
  auto registry = open_registry(options.registry, OpenMode::must_exist, io);
  if (!registry) return report(io, registry.error());

  AllocationPlan plan;
  const AuditStamp stamp = io.stamp();
  auto planner = [&](const RegistryState& state) -> Result<ChangeSet> {
    auto planned = plan_allocation(state, options.experiments, options.all, stamp);
    if (!planned) return std::move(planned).error();
    plan = std::move(*planned);
    return plan.changes;
  };
  Result<void> done = plan_or_apply(**registry, planner, options.dry_run ? DryRun::yes : DryRun::no);
  if (!done) return report(io, done.error());

  if (options.format == OutputFormat::json) {
    nlohmann::json items = nlohmann::json::array();
    for (const AllocationItem& item : plan.items) {
      items.push_back({{"experiment", item.experiment},
                       {"namespace", item.namespace_key},
                       {"slot_start", item.range.start},
                       {"slot_end", item.range.end},
                       {"slots", item.range.size()},
                       {"total_slots", item.total_slots},
                       {"already_allocated", item.already_allocated}});
    }
    print_json(io.out, {{"dry_run", options.dry_run}, {"allocations", items}});
    return ExitCode::ok;
  }
  if (plan.items.empty()) {
    io.out << "nothing to allocate: every draft experiment already holds slots\n";
    return ExitCode::ok;
  }
  for (const AllocationItem& item : plan.items) {
    std::string verb = item.already_allocated ? "already allocated" : options.dry_run ? "would allocate" : "allocated";
    io.out << fmt::format("{} {}: slots {} ({} of {}) in namespace {}\n", verb, item.experiment,
                          to_string(item.range), item.range.size(), item.total_slots, item.namespace_key);
  }
  return ExitCode::ok;
}

}  // namespace expt
