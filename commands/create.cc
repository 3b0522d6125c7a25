#include "commands/create.h"

#include <ostream>

#include <fmt/format.h>

#include "commands/render/render.h"
#include "core/base/excerpt.h"
#include "core/base/printable.h"
#include "core/check/spec_validator.h"
#include "core/plan/spec_sync.h"
#include "core/spec/spec_files.h"

namespace expt {

namespace {

// Returned from the planner to abort the transaction after findings were collected.
Error rejected() { return Error::invalid("specs rejected"); }

// A changed value on one line: compact JSON, long values cut (the audit log keeps them whole).
std::string shown_value(const nlohmann::json& value) { return excerpt(value.dump(), 80); }

std::string past_tense(SyncAction a, bool dry_run) {
  if (dry_run) return a == SyncAction::create ? "would create" : "would update";
  return a == SyncAction::create ? "created" : "updated";
}

void print_plan(const SyncPlan& plan, const std::vector<Error>& warnings, const SourceTexts& sources,
                const CreateOptions& options, Io& io) {
  size_t created = plan.count(SyncAction::create);
  size_t updated = plan.count(SyncAction::update);
  size_t unchanged = plan.count(SyncAction::unchanged);
  if (options.format == OutputFormat::json) {
    nlohmann::json items = nlohmann::json::array();
    for (const SyncItem& item : plan.items) {
      nlohmann::json j{{"kind", item.kind}, {"key", item.key}, {"action", to_string(item.action)}};
      if (!item.changed_fields.empty()) j["changed_fields"] = item.changed_fields;
      if (!item.changes.empty()) {
        nlohmann::json changes = nlohmann::json::array();
        for (const FieldChange& c : item.changes) {
          nlohmann::json change{{"field", c.field}};
          if (c.before) change["old"] = *c.before;
          if (c.after) change["new"] = *c.after;
          changes.push_back(std::move(change));
        }
        j["changes"] = std::move(changes);
      }
      if (!item.note.empty()) j["note"] = item.note;
      items.push_back(std::move(j));
    }
    print_json(io.out, {{"dry_run", options.dry_run},
                        {"items", items},
                        {"summary", {{"create", created}, {"update", updated}, {"unchanged", unchanged}}},
                        {"warnings", findings_to_json(warnings)}});
    return;
  }
  for (const Error& w : warnings) io.err << painted_diagnostic(w, &sources, io.color_err);
  for (const SyncItem& item : plan.items) {
    if (item.action == SyncAction::unchanged) continue;
    std::string line = fmt::format("{} {} {}", past_tense(item.action, options.dry_run), item.kind, item.key);
    if (!item.changed_fields.empty()) {
      line += " (";
      for (size_t i = 0; i < item.changed_fields.size(); ++i) line += (i ? ", " : "") + item.changed_fields[i];
      line += ")";
    }
    io.out << line << '\n';
    for (const FieldChange& c : item.changes) {
      io.out << fmt::format("  {}: {} -> {}\n", c.field, c.before ? shown_value(*c.before) : "(absent)",
                            c.after ? shown_value(*c.after) : "(removed)");
    }
    if (!item.note.empty()) io.out << "  note: " << item.note << '\n';
  }
  if (created + updated == 0) {
    io.out << fmt::format("nothing to change: {} spec{} already match{} the registry\n", unchanged,
                          unchanged == 1 ? "" : "s", unchanged == 1 ? "es" : "");
  } else {
    io.out << fmt::format("{}{} created, {} updated, {} unchanged{}\n", options.dry_run ? "dry run: " : "", created,
                          updated, unchanged, options.dry_run ? "; nothing was written" : "");
  }
}

}  // namespace

ExitCode run_create(const CreateOptions& options, Io& io) {
  if (options.force && !has_words(options.reason)) {
    return report(io, Error::invalid("--force needs --reason: say why the metrics change under running experiments"));
  }
  SpecInputs inputs = read_spec_inputs(options.inputs, io.in);
  if (!inputs.errors.empty()) {
    for (const Error& e : inputs.errors) {
      io.err << painted_diagnostic(e, &inputs.sources, io.color_err);
      io.reported.push_back(e);
    }
    io.err << fmt::format("{} error{} in specs; nothing was written\n", inputs.errors.size(),
                          inputs.errors.size() == 1 ? "" : "s");
    return ExitCode::bad_input;
  }
  auto registry = open_registry(options.registry, OpenMode::must_exist, io);
  if (!registry) return report(io, registry.error());

  std::vector<Error> findings;
  SyncPlan plan;
  const AuditStamp stamp = io.stamp();
  auto planner = [&](const RegistryState& state) -> Result<ChangeSet> {
    findings = validate_spec_set(inputs.specs, state);
    if (has_errors(findings)) return rejected();
    plan = plan_spec_sync(state, inputs.specs, stamp, SyncOverride{options.force, options.reason});
    if (!plan.refusals.empty()) return rejected();
    return plan.changes;
  };

  Result<void> written = plan_or_apply(**registry, planner, options.dry_run ? DryRun::yes : DryRun::no);

  std::vector<Error> warnings;
  for (const Error& f : findings) {
    if (f.severity == Severity::warning) warnings.push_back(f);
  }
  if (has_errors(findings)) {
    size_t errors = 0;
    for (const Error& f : findings) {
      io.err << painted_diagnostic(f, &inputs.sources, io.color_err);
      errors += f.severity == Severity::error ? 1 : 0;
      if (f.severity == Severity::error) io.reported.push_back(f);
    }
    io.err << fmt::format("{} error{} in specs; nothing was written\n", errors, errors == 1 ? "" : "s");
    return ExitCode::bad_input;
  }
  if (!plan.refusals.empty()) {
    for (const Error& r : plan.refusals) {
      io.err << painted_diagnostic(r, nullptr, io.color_err);
      io.reported.push_back(r);
    }
    io.err << "nothing was written\n";
    return ExitCode::bad_input;
  }
  if (!written) return report(io, written.error());
  print_plan(plan, warnings, inputs.sources, options, io);
  return ExitCode::ok;
}

}  // namespace expt
