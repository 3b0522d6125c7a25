#include "commands/audit.h"

#include <ostream>

#include "commands/render.h"
#include "core/registry/json_form.h"

namespace expt {

ExitCode run_audit(const AuditOptions& options, Io& io) {
  auto registry = open_registry(options.registry, OpenMode::must_exist, io);
  if (!registry) return report(io, registry.error());
  auto entries = (*registry)->audit_log(AuditQuery{options.entity_key, options.limit});
  if (!entries) return report(io, entries.error());
  if (options.format == OutputFormat::json) {
    nlohmann::json out = nlohmann::json::array();
    for (const AuditEntry& e : *entries) out.push_back(to_json(e));
    print_json(io.out, out);
    return ExitCode::ok;
  }
  Table table({"ID", "AT", "ACTOR", "ACTION", "KIND", "KEY", "DETAILS"});
  for (const AuditEntry& e : *entries) {
    table.add_row({std::to_string(e.id), e.at, e.actor, e.action, e.entity_kind, e.entity_key, e.details.dump()});
  }
  if (options.format == OutputFormat::csv) {
    table.print_csv(io.out);
  } else {
    table.print(io.out);
  }
  return ExitCode::ok;
}

}  // namespace expt
