#include "cli/command_docs.h"

#include <array>

#include "cli/documentation.h"

namespace expt {

namespace {

constexpr ExitMeaning kBadInput{2, "bad usage or input (the message names the file, line and field); nothing was written"};
constexpr ExitMeaning kOk{0, "success"};

constexpr std::array kInitExamples{
    CommandExample{"expt init", "Create ./expt.db, or migrate it to this version's schema."},
    CommandExample{"expt init --registry /srv/expt/registry.db", "Create the registry at another path."},
};
constexpr std::array kInitExits{ExitMeaning{0, "created, migrated, or already current"},
                                ExitMeaning{2, "bad usage, or the file is not an expt registry of this or an older version"}};

constexpr std::array kCreateExamples{
    CommandExample{"expt create specs/", "Load every *.yaml and *.yml under specs/ in one transaction."},
    CommandExample{"expt create specs/checkout.yaml --dry-run", "Show each change, with old and new values, and write nothing."},
    CommandExample{"cat spec.yaml | expt create - --format json", "Load a spec from stdin and report as JSON."},
};
constexpr std::array kCreateExits{ExitMeaning{0, "loaded, or nothing to change"},
                                  ExitMeaning{2, "an invalid spec (file:line:col) or a refused change; nothing was written"}};

constexpr std::array kAllocateExamples{
    CommandExample{"expt allocate --all", "Claim slots for every draft that holds none."},
    CommandExample{"expt allocate checkout-cta-color --dry-run", "Show where its slots would go, and write nothing."},
};
constexpr std::array kAllocateExits{ExitMeaning{0, "slots claimed (or already held)"},
                                    ExitMeaning{2, "unknown experiment, or not enough free slots; nothing was written"}};

constexpr std::array kStartExamples{
    CommandExample{"expt start checkout-cta-color", "Move a draft holding slots to running."},
    CommandExample{"expt start checkout-cta-color --force --reason \"launch date fixed\"",
                   "Start although its plan: block cannot reach its MDE; the reason is audited."},
};
constexpr std::array kStopExamples{
    CommandExample{"expt stop checkout-cta-color --reason \"enough data\"", "Stop it; it keeps its slots."},
    CommandExample{"expt stop checkout-cta-color --format json", "Stop it and report the transition as JSON."},
};
constexpr std::array kArchiveExamples{
    CommandExample{"expt archive checkout-cta-color", "Archive a stopped or draft experiment; its slots return to the pool."},
    CommandExample{"expt archive checkout-cta-color --reason \"superseded\"", "The same, with the reason in the audit log."},
};
constexpr std::array kTransitionExits{kOk, ExitMeaning{2, "unknown experiment or an illegal transition; nothing was written"}};

constexpr std::array kLintExamples{
    CommandExample{"expt lint specs/", "Check every spec under specs/: schema, references, slot collisions, capacity."},
    CommandExample{"expt lint specs/checkout.yaml --context specs/", "Check one changed file, resolving names against the rest of the folder."},
    CommandExample{"expt lint specs/ --format github --strict", "In CI: annotations on the pull request, and warnings fail too."},
};
constexpr std::array kLintExits{ExitMeaning{0, "no errors (warnings allowed unless --strict)"},
                                ExitMeaning{1, "errors found (or warnings, with --strict)"},
                                ExitMeaning{2, "bad usage, or a file that cannot be read"}};

constexpr std::array kListExamples{
    CommandExample{"expt list --status running", "Every running experiment."},
    CommandExample{"expt list --namespace checkout --format json", "One namespace's experiments, for scripts."},
};
constexpr std::array kReadExits{kOk, kBadInput};

constexpr std::array kShowExamples{
    CommandExample{"expt show checkout", "Draw checkout's slot map: who holds which slots, what is free."},
    CommandExample{"expt show checkout --format json", "The same as JSON."},
};

constexpr std::array kAssignExamples{
    CommandExample{"expt assign user-7", "user-7's experiment, variant and merged config in every layer."},
    CommandExample{"expt assign user-7 --bundle bundles/latest.json --namespace checkout",
                   "Evaluate an exported bundle instead of the registry, as an SDK does."},
    CommandExample{"expt assign --input ids.txt --format csv > assignments.csv", "Stream millions of IDs in constant memory."},
};

constexpr std::array kAnalyzeExamples{
    CommandExample{"expt analyze effect-test --events events.csv --exposures exposures.csv",
                   "Effects, intervals, sample ratio and guardrails as a table."},
    CommandExample{"expt analyze effect-test --source clickhouse://analyst@127.0.0.1:8123/analytics --format json",
                   "Aggregate inside ClickHouse (one query), then the same inference; password in EXPT_CLICKHOUSE_PASSWORD."},
    CommandExample{"expt analyze effect-test --events events.csv --exposures exposures.csv --auto-stop",
                   "Stop the experiment (audited) if a guardrail is breached."},
};
constexpr std::array kAnalyzeExits{
    ExitMeaning{0, "analysed; no guardrail breach, sample ratio mismatch or missing data"},
    ExitMeaning{1, "a guardrail breach, a sample ratio mismatch, or no data for the experiment or a metric"},
    kBadInput};

constexpr std::array kReportExamples{
    CommandExample{"expt report effect-test --events events.csv --exposures exposures.csv --output report.html",
                   "One HTML page: summary, a forest plot per metric, data summary, provenance."},
    CommandExample{"expt report effect-test --aggregates daily.csv --sequential --output report.html",
                   "The same from a warehouse's sums, with always-valid intervals."},
};

constexpr std::array kPowerExamples{
    CommandExample{"expt power --baseline 0.05 --mde 0.1", "Entities per variant to detect a 10% relative lift on a 5% rate."},
    CommandExample{"expt power --metric-type mean --baseline 20 --std-dev 35 --sample-size 40000",
                   "The smallest effect 40,000 entities per variant can detect."},
    CommandExample{"expt power --experiment checkout-cta-color", "Check an experiment's plan: block."},
};
constexpr std::array kPowerExits{ExitMeaning{0, "computed (or the plan reaches its MDE)"},
                                 ExitMeaning{1, "the experiment's plan cannot reach its MDE"}, kBadInput};

constexpr std::array kAuditExamples{
    CommandExample{"expt audit checkout-cta-color", "Every change to checkout-cta-color, oldest first."},
    CommandExample{"expt audit --limit 20 --format csv", "The newest 20 entries as CSV."},
};

constexpr std::array kCheckExamples{
    CommandExample{"expt check checkout-cta-color", "Every pre-launch check, pass, warn or fail, with its reason."},
    CommandExample{"expt check checkout-cta-color --format json", "The same for scripts; exit 1 when a check fails."},
};
constexpr std::array kCheckExits{ExitMeaning{0, "every check passes (warnings allowed)"}, ExitMeaning{1, "a check fails: start would refuse"},
                                 kBadInput};

constexpr std::array kReviewExamples{
    CommandExample{"expt review request checkout-cta-color --note \"power checked\"", "Ask for review before launch."},
    CommandExample{"expt review list --pending", "For reviewers: every request waiting for a decision."},
};
constexpr std::array kReviewRequestExamples{
    CommandExample{"expt review request checkout-cta-color", "Ask for review of the experiment's setup as it is now."},
    CommandExample{"expt review request checkout-cta-color --note \"MDE 5%, 14 days\"", "With a note for reviewers."},
};
constexpr std::array kReviewApproveExamples{
    CommandExample{"expt review approve checkout-cta-color --note \"power and guardrails ok\"", "Approve (not your own request)."},
    CommandExample{"EXPT_ACTOR=rita expt review approve checkout-cta-color --team stats --note ok", "As a named reviewer of team stats."},
};
constexpr std::array kReviewRejectExamples{
    CommandExample{"expt review reject checkout-cta-color --note \"add a guardrail on errors\"", "Reject, saying what must change."},
    CommandExample{"expt review reject checkout-cta-color --team stats --note \"MDE too small\"", "As a reviewer of team stats."},
};
constexpr std::array kReviewStatusExamples{
    CommandExample{"expt review status checkout-cta-color", "The review status and every request and decision."},
    CommandExample{"expt review status checkout-cta-color --format json", "The same for scripts."},
};
constexpr std::array kReviewListExamples{
    CommandExample{"expt review list --pending", "Requests waiting for reviewers."},
    CommandExample{"expt review list --format csv", "Every experiment under review, as CSV."},
};
constexpr std::array kReviewPolicyExamples{
    CommandExample{"expt review policy --approvals 1", "Every experiment needs one approval before it starts."},
    CommandExample{"expt review policy --namespace checkout --approvals 2 --teams stats,checkout --require-guardrail",
                   "Checkout needs two approvals from those teams, and a guardrail metric."},
};
constexpr std::array kReviewExits{kOk, ExitMeaning{2, "bad usage, an unknown experiment, or a review the rules refuse (your own request, "
                                                      "another team, a changed spec); nothing was written"}};

constexpr std::array kMonitorExamples{
    CommandExample{"expt monitor --data /exports/today", "Report every SRM and guardrail breach of the running experiments."},
    CommandExample{"expt monitor --data /exports/today --auto-stop --publish /srv/bundles --notify-command \"./post-to-chat\"",
                   "From cron: stop the breached ones, publish a bundle without them, tell the team."},
    CommandExample{"expt monitor --source clickhouse://127.0.0.1:8123/analytics --format json", "From the warehouse, for scripts."},
};
constexpr std::array kMonitorExits{ExitMeaning{0, "nothing found (or another run holds the lock)"},
                                   ExitMeaning{1, "a sample ratio mismatch, a guardrail breach, an experiment that could not be analysed, or the timeout"},
                                   kBadInput};

constexpr std::array kResultsExamples{
    CommandExample{"expt results checkout-cta-color", "Every recorded analysis, oldest first, with each primary metric's lift."},
    CommandExample{"expt results checkout-cta-color --aggregates 3 > day3.csv",
                   "Recorded analysis 3's sufficient statistics, for `expt analyze --aggregates day3.csv`."},
};

constexpr std::array kExportExamples{
    CommandExample{"expt export bundle --output bundles/", "Publish the next config bundle and its diff for SDKs."},
    CommandExample{"expt export registry --format csv --output tables/", "Every registry table as CSV."},
};
constexpr std::array kExportBundleExamples{
    CommandExample{"expt export bundle --output bundles/", "Publish bundle-<v>.json, diff-<v-1>-<v>.json and latest.json."},
    CommandExample{"expt export bundle --output bundles/ --format json", "The same, reporting the version and hash as JSON."},
};
constexpr std::array kExportAssignmentsExamples{
    CommandExample{"expt export assignments --input ids.txt --output assignments.csv", "Assignments of every ID, written atomically."},
    CommandExample{"expt export assignments --input users.csv --column user_id --format jsonl",
                   "IDs from a CSV column, as JSON lines."},
};
constexpr std::array kExportRegistryExamples{
    CommandExample{"expt export registry --output registry.json", "The whole registry as one JSON document."},
    CommandExample{"expt export registry --format csv --table experiments", "One table as CSV on stdout."},
};
constexpr std::array kExportSqlExamples{
    CommandExample{"expt export sql effect-test --source clickhouse://localhost:8123/analytics",
                   "The query analyze --source runs, for the tables' column types, to schedule yourself."},
    CommandExample{"expt export sql effect-test --timestamp-type DateTime64(3) --as-of 2026-11-20 --insert-into expt_daily_aggregates",
                   "The daily job that fills the aggregates table (pipe it to clickhouse-client)."},
    CommandExample{"expt export sql --schema --dialect clickhouse", "DDL of the events, exposures and daily aggregates tables."},
};
constexpr std::array kWriteExits{kOk, ExitMeaning{2, "bad usage, or the output cannot be written; nothing was left half-written"}};

constexpr std::array kServeExamples{
    CommandExample{"expt serve --bundles bundles/", "Serve bundles/ on http://127.0.0.1:8080 until SIGTERM."},
    CommandExample{"expt serve --bundles /srv/expt/bundles --listen 0.0.0.0:9000",
                   "Listen on every interface, port 9000 (put TLS and auth in front)."},
};
constexpr std::array kServeExits{ExitMeaning{0, "stopped by SIGTERM or SIGINT"},
                                 ExitMeaning{2, "bad usage, the folder is missing, or the address cannot be bound"}};

constexpr std::array kWatchExamples{
    CommandExample{"expt watch --server http://127.0.0.1:8080 --cache /var/cache/expt/bundle.json",
                   "Follow the server, printing each version; start from the cache if the server is down."},
    CommandExample{"expt watch --server http://127.0.0.1:8080 --until-version 12 --timeout 30",
                   "Wait until version 12 has arrived (exit 0), at most 30 s (exit 1)."},
};
constexpr std::array kWatchExits{ExitMeaning{0, "stopped by a signal, or --until-version reached"},
                                 ExitMeaning{1, "--until-version not reached within --timeout"},
                                 ExitMeaning{2, "bad usage"}};

constexpr std::array kHelpExamples{
    CommandExample{"expt help analyze", "analyze's options, examples and exit codes."},
    CommandExample{"expt help export bundle", "A nested command's help."},
    CommandExample{"expt help --man", "The manual page, in roff (what `man expt` shows once installed)."},
};
constexpr std::array kCompletionExamples{
    CommandExample{"source <(expt completion bash)", "Tab completion in the current bash."},
    CommandExample{"expt completion zsh > ~/.zfunc/_expt", "Install zsh completion for a user (with ~/.zfunc on fpath)."},
};
constexpr std::array kHelpExits{kOk, ExitMeaning{2, "an unknown command or shell"}};

constexpr std::array kDocs{
    CommandDoc{"init", kInitExamples, kInitExits},
    CommandDoc{"create", kCreateExamples, kCreateExits},
    CommandDoc{"allocate", kAllocateExamples, kAllocateExits},
    CommandDoc{"start", kStartExamples, kTransitionExits},
    CommandDoc{"stop", kStopExamples, kTransitionExits},
    CommandDoc{"archive", kArchiveExamples, kTransitionExits},
    CommandDoc{"lint", kLintExamples, kLintExits},
    CommandDoc{"list", kListExamples, kReadExits},
    CommandDoc{"show", kShowExamples, kReadExits},
    CommandDoc{"assign", kAssignExamples, kReadExits},
    CommandDoc{"analyze", kAnalyzeExamples, kAnalyzeExits},
    CommandDoc{"report", kReportExamples, kAnalyzeExits},
    CommandDoc{"check", kCheckExamples, kCheckExits},
    CommandDoc{"review", kReviewExamples, kReviewExits},
    CommandDoc{"review request", kReviewRequestExamples, kReviewExits},
    CommandDoc{"review approve", kReviewApproveExamples, kReviewExits},
    CommandDoc{"review reject", kReviewRejectExamples, kReviewExits},
    CommandDoc{"review status", kReviewStatusExamples, kReviewExits},
    CommandDoc{"review list", kReviewListExamples, kReviewExits},
    CommandDoc{"review policy", kReviewPolicyExamples, kReviewExits},
    CommandDoc{"monitor", kMonitorExamples, kMonitorExits},
    CommandDoc{"results", kResultsExamples, kReadExits},
    CommandDoc{"power", kPowerExamples, kPowerExits},
    CommandDoc{"audit", kAuditExamples, kReadExits},
    CommandDoc{"export", kExportExamples, kWriteExits},
    CommandDoc{"export bundle", kExportBundleExamples, kWriteExits},
    CommandDoc{"export assignments", kExportAssignmentsExamples, kWriteExits},
    CommandDoc{"export registry", kExportRegistryExamples, kWriteExits},
    CommandDoc{"export sql", kExportSqlExamples, kWriteExits},
    CommandDoc{"serve", kServeExamples, kServeExits},
    CommandDoc{"watch", kWatchExamples, kWatchExits},
    CommandDoc{"help", kHelpExamples, kHelpExits},
    CommandDoc{"completion", kCompletionExamples, kHelpExits},
};

}  // namespace

namespace {

constexpr ExitMeaning k_shared_exit_codes[] = {
    {0, "success"},
    {1, "a check found problems (lint findings, a guardrail breach, a sample ratio mismatch)"},
    {2, "bad usage or input (the message names the file, line and field); nothing was written"},
};

constexpr EnvironmentVariable k_environment[] = {
    {"EXPT_REGISTRY", "registry file used when --registry is not given (default ./expt.db)"},
    {"EXPT_ACTOR", "name recorded in the audit log (default: the OS account); review steps count it only where the policy allows (--actor-from-env)"},
    {"EXPT_TEAM", "the reviewer's team for review approve and reject, when --team is not given"},
    {"EXPT_CLICKHOUSE_PASSWORD", "the warehouse password when the --source URL has none (never printed)"},
    {"EXPT_NOW", "fixed current time (ISO-8601 or epoch seconds), for reproducible runs"},
    {"NO_COLOR", "when set and not empty, no colour (as --color never)"},
};

}  // namespace

std::span<const ExitMeaning> shared_exit_codes() { return k_shared_exit_codes; }

std::span<const EnvironmentVariable> environment_variables() { return k_environment; }

std::span<const CommandDoc> command_docs() { return kDocs; }

const CommandDoc* find_command_doc(std::string_view path) {
  for (const CommandDoc& doc : kDocs) {
    if (doc.path == path) return &doc;
  }
  return nullptr;
}

std::string help_footer_of(const CommandDoc& doc) {
  std::string text = "Examples:\n";
  for (const CommandExample& e : doc.examples) {
    text += "  " + std::string(e.command) + "\n      " + std::string(e.what) + "\n";
  }
  text += "\nExit codes:\n";
  for (const ExitMeaning& m : doc.exit_codes) {
    text += "  " + std::to_string(m.code) + "  " + std::string(m.meaning) + "\n";
  }
  text += "\nMore: " + documentation_folder() + "/cli.md, `expt help`";
  return text;
}

}  // namespace expt
