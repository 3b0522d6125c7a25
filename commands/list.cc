#include "commands/list.h"

#include <ostream>

#include <fmt/format.h>

#include "commands/render/render.h"
#include "core/base/edit_distance.h"
#include "core/registry/json_form.h"

namespace expt {

ExitCode run_list(const ListOptions& options, Io& io) {
  if (!options.status.empty() && !parse_experiment_status(options.status)) {
    constexpr std::string_view statuses[] = {"draft", "running", "stopped", "archived"};
    return report(io, Error::invalid(not_one_of("--status", options.status, statuses)));
  }
  if (!options.type.empty() && !parse_experiment_type(options.type)) {
    constexpr std::string_view types[] = {"ab", "multivariate", "holdout", "rollout"};
    return report(io, Error::invalid(not_one_of("--type", options.type, types)));
  }
  auto registry = open_registry(options.registry, OpenMode::must_exist, io);
  if (!registry) return report(io, registry.error());
  auto state = (*registry)->read();
  if (!state) return report(io, state.error());
  if (!options.namespace_key.empty() && !state->find_namespace(options.namespace_key)) {
    return report(io, unknown_namespace(*state, options.namespace_key));
  }

  std::vector<const ExperimentRecord*> selected;
  for (const ExperimentRecord& e : state->experiments) {
    if (!options.namespace_key.empty() && e.spec.namespace_key != options.namespace_key) continue;
    if (!options.status.empty() && to_string(e.status) != options.status) continue;
    if (!options.owner.empty() && e.spec.owner_team != options.owner) continue;
    if (!options.type.empty() && to_string(e.spec.type) != options.type) continue;
    selected.push_back(&e);
  }

  if (options.format == OutputFormat::json) {
    nlohmann::json out = nlohmann::json::array();
    for (const ExperimentRecord* e : selected) out.push_back(to_json(*e));
    print_json(io.out, out);
    return ExitCode::ok;
  }
  Table table({"EXPERIMENT", "NAMESPACE", "TYPE", "STATUS", "OWNER", "SLOTS", "VARIANTS"});
  for (const ExperimentRecord* e : selected) {
    std::string variants;
    for (const VariantSpec& v : e->spec.variants) {
      if (!variants.empty()) variants += ' ';
      variants += fmt::format("{}:{}", v.key, bps_to_fraction(v.allocation_bps));
    }
    std::string slots = e->slots ? to_string(*e->slots) : "-";
    if (e->slots && !e->claims_slots()) slots += " (released)";
    table.add_row({e->spec.key, e->spec.namespace_key, std::string(to_string(e->spec.type)),
                   std::string(to_string(e->status)), e->spec.owner_team, slots, variants});
  }
  if (options.format == OutputFormat::csv) {
    table.print_csv(io.out);
  } else if (table.empty()) {
    io.out << "no experiments match\n";
  } else {
    table.print(io.out);
  }
  return ExitCode::ok;
}

}  // namespace expt
