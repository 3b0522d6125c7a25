#include "commands/audit.h"

#include <algorithm>
#include <ostream>

#include <fmt/format.h>

#include "commands/render/render.h"
#include "core/base/edit_distance.h"
#include "core/registry/json_form.h"

namespace expt {

namespace {

// A key with no entries that nothing in the registry has is a typo, not an empty history.
Result<void> check_known_key(Registry& registry, const std::string& key) {
  auto state = registry.read();
  if (!state) return state.error();
  std::vector<std::string_view> keys;
  for (const NamespaceRecord& n : state->namespaces) keys.push_back(n.spec.key);
  for (const MetricRecord& m : state->metrics) keys.push_back(m.spec.key);
  for (const ExperimentRecord& e : state->experiments) keys.push_back(e.spec.key);
  if (state->global_holdout) keys.push_back(state->global_holdout->spec.key);
  if (std::find(keys.begin(), keys.end(), key) != keys.end()) return {};
  return Error::not_found(fmt::format("no experiment, namespace, metric or holdout '{}' in the registry{}", key,
                                      did_you_mean(key, keys)));
}

}  // namespace

ExitCode run_audit(const AuditOptions& options, Io& io) {
  if (options.limit && *options.limit < 1) {
    return report(io, Error::invalid(fmt::format("--limit must be a whole number of at least 1, got {}", *options.limit)));
  }
  auto registry = open_registry(options.registry, OpenMode::must_exist, io);
  if (!registry) return report(io, registry.error());
  auto entries = (*registry)->audit_log(
      AuditQuery{options.entity_key, options.limit ? static_cast<size_t>(*options.limit) : 0});
  if (!entries) return report(io, entries.error());
  if (entries->empty() && !options.entity_key.empty()) {
    if (auto known = check_known_key(**registry, options.entity_key); !known) return report(io, known.error());
  }
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
