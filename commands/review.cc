#include "commands/review.h"

#include <ostream>

#include <fmt/format.h>

#include "commands/render/render.h"
#include "core/usecase/review_actions.h"

namespace expt {

using nlohmann::json;

namespace {

json entry_json(const std::optional<ReviewEntry>& e) {
  if (!e) return nullptr;
  return json{{"kind", e->kind}, {"actor", e->actor}, {"team", e->team}, {"at", e->at}, {"spec_hash", e->spec_hash}, {"note", e->note}};
}

json summary_json(const ExperimentRecord& e, const ReviewSummary& s) {
  return json{{"experiment", e.spec.key},
              {"namespace", e.spec.namespace_key},
              {"owner_team", e.spec.owner_team},
              {"experiment_status", to_string(e.status)},
              {"status", to_string(s.status)},
              {"required", s.required},
              {"approvers", s.approvers},
              {"request", entry_json(s.request)},
              {"rejection", entry_json(s.rejection)},
              {"spec_hash", s.current_hash}};
}

std::string describe(const ReviewSummary& s) {
  switch (s.status) {
    case ReviewStatus::not_required: return "no review required";
    case ReviewStatus::not_requested: return fmt::format("not requested; {} approval{} required", s.required, s.required == 1 ? "" : "s");
    case ReviewStatus::pending:
      return fmt::format("pending since {} (requested by {}); {} of {} approvals", s.request->at, s.request->actor, s.approvers.size(),
                         std::max(s.required, 1));
    case ReviewStatus::approved: return fmt::format("approved by {}", fmt::join(s.approvers, ", "));
    case ReviewStatus::rejected: return fmt::format("rejected by {} at {}: {}", s.rejection->actor, s.rejection->at, s.rejection->note);
    case ReviewStatus::changed: return "approval void: the spec changed after it; request review again";
  }
  return "?";
}

ExitCode show_policy(const RegistryState& state, const std::string& scope, OutputFormat format, Io& io) {
  const ReviewPolicy* p = scope.empty() ? policy_for(state, "") : policy_for(state, scope);
  const bool own = p != nullptr && p->scope == scope;
  if (format == OutputFormat::json) {
    print_json(io.out, p ? json{{"scope", p->scope},
                                {"inherited", !own},
                                {"approvals", p->approvals},
                                {"teams", p->teams},
                                {"guardrail_required", p->guardrail_required},
                                {"actor_from_environment", p->actor_from_environment}}
                         : json(nullptr));
    return ExitCode::ok;
  }
  const std::string where = scope.empty() ? "the registry" : "namespace '" + scope + "'";
  if (p == nullptr) {
    io.out << fmt::format("no review policy for {}: experiments start without approval\n", where);
  } else {
    io.out << fmt::format("{}: {} approval{} by {}{}{}{}\n", where, p->approvals, p->approvals == 1 ? "" : "s",
                          p->teams.empty() ? "anyone but the requester" : "teams " + fmt::format("{}", fmt::join(p->teams, ", ")),
                          p->guardrail_required ? "; a guardrail metric required" : "",
                          p->actor_from_environment ? "; EXPT_ACTOR names the reviewer" : "",
                          own ? "" : " (the registry-wide policy)");
  }
  return ExitCode::ok;
}

}  // namespace

ExitCode run_review(const ReviewOptions& options, Io& io) {
  auto registry = open_registry(options.registry, OpenMode::must_exist, io);
  if (!registry) return report(io, registry.error());
  const AuditStamp stamp = io.stamp();

  if (options.action == ReviewAction::request || options.action == ReviewAction::approve || options.action == ReviewAction::reject) {
    const ReviewStep step{options.experiment,
                          options.action == ReviewAction::request   ? "request"
                          : options.action == ReviewAction::approve ? "approve"
                                                                    : "reject",
                          options.note, options.team.empty() ? io.environment.team : options.team};
    auto done = take_review_step(**registry, step, stamp);
    if (!done) return report(io, done.error());
    if (options.format == OutputFormat::json) {
      print_json(io.out, summary_json(done->experiment, done->summary));
    } else {
      io.out << fmt::format("{} {}: {}\n", step.kind == "request" ? "review requested for" : step.kind == "approve" ? "approved" : "rejected",
                            options.experiment, describe(done->summary));
    }
    return ExitCode::ok;
  }

  if (options.action == ReviewAction::policy) {
    const bool set = options.approvals || options.teams || options.guardrail_required || options.actor_from_environment;
    if (!set) {
      auto state = (*registry)->read();
      if (!state) return report(io, state.error());
      if (!options.namespace_key.empty() && state->find_namespace(options.namespace_key) == nullptr) {
        return report(io, unknown_namespace(*state, options.namespace_key));
      }
      return show_policy(*state, options.namespace_key, options.format, io);
    }
    PolicyChange change{options.namespace_key, options.approvals, std::nullopt, options.guardrail_required,
                        options.actor_from_environment};
    if (options.teams) {
      auto teams = split_teams(*options.teams);
      if (!teams) return report(io, teams.error());
      change.teams = std::move(*teams);
    }
    if (auto done = change_review_policy(**registry, change, stamp); !done) return report(io, done.error());
    auto state = (*registry)->read();
    if (!state) return report(io, state.error());
    return show_policy(*state, options.namespace_key, options.format, io);
  }

  auto state = (*registry)->read();
  if (!state) return report(io, state.error());
  if (options.action == ReviewAction::status) {
    const ExperimentRecord* e = state->find_experiment(options.experiment);
    if (e == nullptr) return report(io, unknown_experiment(*state, options.experiment));
    const ReviewSummary s = review_summary(*state, *e);
    if (options.format == OutputFormat::json) {
      json j = summary_json(*e, s);
      json history = json::array();
      for (const ReviewEntry& r : state->reviews) {
        if (r.experiment == e->spec.key) history.push_back(entry_json(r));
      }
      j["history"] = std::move(history);
      print_json(io.out, j);
    } else {
      io.out << fmt::format("{}: {}\n", e->spec.key, describe(s));
      for (const ReviewEntry& r : state->reviews) {
        if (r.experiment != e->spec.key) continue;
        io.out << fmt::format("  {}  {:<8} {}{}{}\n", r.at, r.kind, r.actor, r.team.empty() ? "" : " (" + r.team + ")",
                              r.note.empty() ? "" : ": " + r.note);
      }
    }
    return ExitCode::ok;
  }

  // list
  json out = json::array();
  Table table({"EXPERIMENT", "NAMESPACE", "OWNER", "REVIEW", "APPROVALS", "REQUESTED BY", "SINCE"});
  for (const ExperimentRecord& e : state->experiments) {
    if (e.status == ExperimentStatus::archived) continue;
    const ReviewSummary s = review_summary(*state, e);
    const bool waiting = s.status == ReviewStatus::pending || s.status == ReviewStatus::changed;
    if (options.pending ? !waiting : (s.status == ReviewStatus::not_required && !s.request)) continue;
    out.push_back(summary_json(e, s));
    table.add_row({e.spec.key, e.spec.namespace_key, e.spec.owner_team, std::string(to_string(s.status)),
                   fmt::format("{}/{}", s.approvers.size(), std::max(s.required, 1)), s.request ? s.request->actor : "-",
                   s.request ? s.request->at : "-"});
  }
  if (options.format == OutputFormat::json) {
    print_json(io.out, out);
  } else if (options.format == OutputFormat::csv) {
    table.print_csv(io.out);
  } else if (out.empty()) {
    io.out << (options.pending ? "no reviews pending\n" : "no experiment is under review\n");
  } else {
    table.print(io.out);
  }
  return ExitCode::ok;
}

}  // namespace expt
