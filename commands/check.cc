#include "commands/check.h"

#include <ostream>

#include <fmt/format.h>

#include "commands/render/render.h"
#include "core/plan/launch_checks.h"

namespace expt {

ExitCode run_check(const CheckOptions& options, Io& io) {
  auto context = read_experiment(options.registry, options.experiment, io);
  if (!context) return report(io, context.error());
  const RegistryState& state = context->state;
  const ExperimentRecord* e = &context->experiment();
  const std::vector<LaunchCheck> checks = launch_checks(state, *e);
  const bool failed = any_failed(checks);
  if (options.format == OutputFormat::json) {
    nlohmann::json list = nlohmann::json::array();
    for (const LaunchCheck& c : checks) list.push_back({{"check", c.name}, {"outcome", to_string(c.outcome)}, {"reason", c.reason}});
    print_json(io.out, {{"experiment", e->spec.key}, {"status", to_string(e->status)}, {"ready", !failed}, {"checks", std::move(list)}});
  } else {
    Table table({"CHECK", "RESULT", "REASON"});
    for (const LaunchCheck& c : checks) table.add_row({c.name, std::string(to_string(c.outcome)), c.reason});
    table.print(io.out);
    io.out << (failed ? fmt::format("experiment {} is not ready to start\n", e->spec.key)
                      : fmt::format("experiment {} is ready to start\n", e->spec.key));
  }
  return failed ? ExitCode::check_failed : ExitCode::ok;
}

}  // namespace expt
