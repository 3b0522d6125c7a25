// The table of subcommands: each one's flags bound into its options struct, and the command it
// runs. build_app (cli/app.cc) wires the table into the CLI; help, the man page, completions and
// the docs test read the same table.

#include <CLI/CLI.hpp>

#include <map>
#include <vector>

#include "cli/app.h"
#include "cli/common_options.h"
#include "commands/allocate.h"
#include "commands/analyze.h"
#include "commands/assign.h"
#include "commands/audit.h"
#include "commands/check.h"
#include "commands/create.h"
#include "commands/export_assignments.h"
#include "commands/export_bundle.h"
#include "commands/export_registry.h"
#include "commands/export_sql.h"
#include "commands/init.h"
#include "commands/lifecycle.h"
#include "commands/lint.h"
#include "commands/list.h"
#include "commands/monitor.h"
#include "commands/power.h"
#include "commands/report.h"
#include "commands/results.h"
#include "commands/review.h"
#include "commands/serve.h"
#include "commands/show.h"
#include "commands/watch.h"

namespace expt {

namespace {

using F = OutputFormat;

// Option groups, so each command's help reads as sections; a command uses the ones it needs.
const char* const kInput = "Input";
const char* const kFilter = "Filters";
const char* const kWhat = "Action";
const char* const kStats = "Statistics";
const char* const kMetric = "Metric";
const char* const kDesign = "Design";
const char* const kOutput = "Output";

// The registry path is a top-level flag (accepted before or after the subcommand), copied into
// the options of the commands that take it when the command runs.
template <typename Options>
void take_registry_flags(Options& options, [[maybe_unused]] const CliContext& context) {
  if constexpr (requires { options.registry; }) options.registry = context.registry;
  if constexpr (requires { options.use_registry; }) options.use_registry = context.registry_given();
}

// Binds `run(*options, io)` as the runner when the subcommand is chosen.
template <typename Options, typename Run>
void on_run(CLI::App& app, CliContext& context, std::shared_ptr<Options> options, Run run) {
  app.callback([&context, options, run]() {
    context.runner = [&context, options, run](Io& io) {
      take_registry_flags(*options, context);
      return run(*options, io);
    };
  });
}

void setup_init(CLI::App& app, CliContext& context) {
  auto o = std::make_shared<InitOptions>();
  add_format_option(app, o->format, {F::human, F::json});
  on_run(app, context, o, run_init);
}

void setup_create(CLI::App& app, CliContext& context) {
  auto o = std::make_shared<CreateOptions>();
  app.add_option("specs", o->inputs, "YAML spec files or folders, or - for stdin")->required()->type_name("FILE");
  app.add_flag("--dry-run", o->dry_run, "Show what would change, with old and new values, without writing")->group(kWhat);
  app.add_flag("--force", o->force, "Redefine metrics that running experiments bind (with --reason; audited; voids their approvals)")
      ->group(kWhat);
  app.add_option("--reason", o->reason, "Why a forced change is needed (recorded in the audit log)")->type_name("TEXT")->group(kWhat);
  add_format_option(app, o->format, {F::human, F::json});
  on_run(app, context, o, run_create);
}

void setup_allocate(CLI::App& app, CliContext& context) {
  auto o = std::make_shared<AllocateOptions>();
  app.add_option("experiments", o->experiments, "Experiments to allocate slots for")->type_name("EXPERIMENT");
  app.add_flag("--all", o->all, "Allocate every draft experiment that holds no slots")->group(kWhat);
  app.add_flag("--dry-run", o->dry_run, "Show the placement without writing")->group(kWhat);
  add_format_option(app, o->format, {F::human, F::json});
  on_run(app, context, o, run_allocate);
}

std::function<void(CLI::App&, CliContext&)> setup_transition(Transition transition) {
  return [transition](CLI::App& app, CliContext& context) {
    auto o = std::make_shared<LifecycleOptions>();
    o->transition = transition;
    app.add_option("experiments", o->experiments, "The experiments (all move, or none)")->type_name("EXPERIMENT");
    app.add_option("--namespace", o->namespace_key, "With --all: the namespace whose experiments to move")
        ->type_name("NAMESPACE")->group(kFilter);
    app.add_flag("--all", o->all, "Every experiment (of --namespace, if given) that can make this move, in one transaction")->group(kFilter);
    app.add_option("--reason", o->reason, "Why, recorded in the audit log")->type_name("TEXT")->group(kWhat);
    if (transition == Transition::start) {
      app.add_flag("--force", o->force, "Start even if a pre-launch check fails (with --reason when approvals or policy fail; audited)")->group(kWhat);
    }
    add_format_option(app, o->format, {F::human, F::json});
    on_run(app, context, o, run_lifecycle);
  };
}

void setup_list(CLI::App& app, CliContext& context) {
  auto o = std::make_shared<ListOptions>();
  app.add_option("--namespace", o->namespace_key, "Only experiments in this namespace")->type_name("NAMESPACE")->group(kFilter);
  app.add_option("--status", o->status, "Only this status: draft|running|stopped|archived")->type_name("STATUS")->group(kFilter);
  app.add_option("--owner", o->owner, "Only this owner team")->type_name("TEAM")->group(kFilter);
  app.add_option("--type", o->type, "Only this type: ab|multivariate|holdout|rollout")->type_name("TYPE")->group(kFilter);
  add_format_option(app, o->format, {F::human, F::json, F::csv});
  on_run(app, context, o, run_list);
}

void setup_show(CLI::App& app, CliContext& context) {
  auto o = std::make_shared<ShowOptions>();
  app.add_option("namespace", o->namespace_key, "The namespace (layer)")->required()->type_name("NAMESPACE");
  add_format_option(app, o->format, {F::human, F::json});
  on_run(app, context, o, run_show);
}

void setup_assign(CLI::App& app, CliContext& context) {
  auto o = std::make_shared<AssignOptions>();
  app.add_option("entities", o->entities, "Entity IDs (opaque strings)")->type_name("ENTITY");
  app.add_option("--namespace", o->namespaces, "Only these layers (repeatable)")->type_name("NAMESPACE")->group(kFilter);
  app.add_option("--input", o->input, "Stream entity IDs from FILE or - (one per line, or a CSV column)")
      ->type_name("FILE")->group(kInput);
  app.add_option("--column", o->column, "With --input: read IDs from this CSV column (the file has a header)")
      ->type_name("NAME")->group(kInput);
  app.add_option("--threads", o->threads, "With --input of one ID per line: worker threads (default: one per core; the output is the same)")
      ->type_name("N")->check(CLI::Range(1u, 256u))->group(kInput);
  app.add_option("--bundle", o->bundle, "Evaluate an exported bundle file instead of the registry")->type_name("FILE")->group(kInput);
  add_format_option(app, o->format, {F::human, F::json, F::csv, F::jsonl});
  CLI::Option* format = app.get_option("--format");
  on_run(app, context, o, [format](AssignOptions& options, Io& io) {
    options.format_given = format->count() > 0;
    return run_assign(options, io);
  });
}

void setup_audit(CLI::App& app, CliContext& context) {
  auto o = std::make_shared<AuditOptions>();
  app.add_option("key", o->entity_key, "Only entries about this key (experiment, namespace, metric)")
      ->type_name("KEY");
  app.add_option("--limit", o->limit, "Only the newest N entries (N >= 1)")->type_name("N")->group(kFilter);
  add_format_option(app, o->format, {F::human, F::json, F::csv});
  on_run(app, context, o, run_audit);
}

void setup_check(CLI::App& app, CliContext& context) {
  auto o = std::make_shared<CheckOptions>();
  app.add_option("experiment", o->experiment, "The experiment to check before launch")->required()->type_name("EXPERIMENT");
  add_format_option(app, o->format, {F::human, F::json});
  on_run(app, context, o, run_check);
}

void setup_review(CLI::App& app, CliContext& context) {
  app.require_subcommand(1);
  auto add = [&](const char* name, const char* help, ReviewAction action) -> std::pair<CLI::App*, std::shared_ptr<ReviewOptions>> {
    CLI::App& sub = *app.add_subcommand(name, help);
    auto o = std::make_shared<ReviewOptions>();
    o->action = action;
    add_format_option(sub, o->format, action == ReviewAction::list ? std::initializer_list<F>{F::human, F::json, F::csv}
                                                                     : std::initializer_list<F>{F::human, F::json});
    on_run(sub, context, o, run_review);
    return {&sub, o};
  };
  {
    auto [sub, o] = add("request", "Ask for review of an experiment's setup before launch", ReviewAction::request);
    sub->add_option("experiment", o->experiment, "The experiment")->required()->type_name("EXPERIMENT");
    sub->add_option("--note", o->note, "What reviewers should look at")->type_name("TEXT")->group(kWhat);
  }
  for (auto [name, help, action] : {std::tuple{"approve", "Approve an experiment's setup as it is now (not your own request)", ReviewAction::approve},
                                    std::tuple{"reject", "Reject an experiment's setup, saying why", ReviewAction::reject}}) {
    auto [sub, o] = add(name, help, action);
    sub->add_option("experiment", o->experiment, "The experiment")->required()->type_name("EXPERIMENT");
    sub->add_option("--note", o->note, "What you checked, or what must change (required)")->required()->type_name("TEXT")->group(kWhat);
    sub->add_option("--team", o->team, "Your team, for policies that name teams (default: $EXPT_TEAM)")->type_name("TEAM")->group(kWhat);
  }
  {
    auto [sub, o] = add("status", "An experiment's review status and history", ReviewAction::status);
    sub->add_option("experiment", o->experiment, "The experiment")->required()->type_name("EXPERIMENT");
  }
  {
    auto [sub, o] = add("list", "Experiments under review; --pending: those waiting for a decision", ReviewAction::list);
    sub->add_flag("--pending", o->pending, "Only requests waiting for reviewers")->group(kFilter);
  }
  {
    auto [sub, o] = add("policy", "Show or set how many approvals a namespace (or the registry) needs, and from whom",
                        ReviewAction::policy);
    sub->add_option("--namespace", o->namespace_key, "The namespace (default: the registry-wide policy)")->type_name("NAMESPACE")->group(kWhat);
    sub->add_option("--approvals", o->approvals, "Approvals needed before start (0 to 10)")->type_name("N")->group(kWhat);
    sub->add_option("--teams", o->teams, "Only reviewers of these teams count (comma-separated; \"\" for any)")->type_name("TEAMS")->group(kWhat);
    sub->add_flag_callback("--require-guardrail", [o = o] { o->guardrail_required = true; }, "The checklist fails without a guardrail metric")->group(kWhat);
    sub->add_flag_callback("--no-require-guardrail", [o = o] { o->guardrail_required = false; }, "A guardrail metric is only advised")->group(kWhat);
    sub->add_flag_callback("--actor-from-env", [o = o] { o->actor_from_environment = true; },
                           "Count reviews by whoever EXPT_ACTOR names (shared CI accounts, bots); default: the OS account")
        ->group(kWhat);
    sub->add_flag_callback("--no-actor-from-env", [o = o] { o->actor_from_environment = false; },
                           "Count only the OS account running expt as the reviewer")
        ->group(kWhat);
  }
}

void setup_monitor(CLI::App& app, CliContext& context) {
  auto o = std::make_shared<MonitorOptions>();
  MonitorRequest* r = &o->request;
  app.add_option("--data", r->data, "Folder of exports: DIR/EXPERIMENT/{exposures,events}.csv, else DIR/{exposures,events}.csv")
      ->type_name("DIR")->group(kInput);
  app.add_option("--source", r->source, "Or a warehouse: clickhouse://[USER@]HOST:PORT/DATABASE")->type_name("URL")->group(kInput);
  app.add_option("--events-table", r->events_table, "--source: the events table (default events)")->type_name("TABLE")->group(kInput);
  app.add_option("--exposures-table", r->exposures_table, "--source: the exposures table (default exposures)")->type_name("TABLE")->group(kInput);
  app.add_option("--events-columns", r->events_columns, "Map fields to columns, e.g. entity_id=user")->type_name("MAP")->group(kInput);
  app.add_option("--exposures-columns", r->exposures_columns, "Map fields to columns, e.g. entity_id=user")->type_name("MAP")->group(kInput);
  app.add_option("--confidence", r->confidence, "Confidence level of the guardrail intervals (default 0.95)")->type_name("LEVEL")->group(kStats);
  app.add_flag("--auto-stop", r->auto_stop, "Stop each experiment with a breached guardrail (audited)")->group(kWhat);
  app.add_option("--publish", r->publish, "Then publish a bundle into DIR (expt serve pushes it to SDKs)")->type_name("DIR")->group(kWhat);
  app.add_option("--notify-command", r->notify_command, "Run CMD (by sh) with each finding as JSON on stdin")->type_name("CMD")->group(kWhat);
  app.add_option("--lock", r->lock, "Lock file for one run at a time (default: REGISTRY.monitor.lock)")->type_name("FILE")->group(kWhat);
  app.add_option("--timeout", r->timeout_seconds, "Stop analysing after SECONDS (default 600); the rest is reported")->type_name("S")->group(kWhat);
  add_format_option(app, o->format, {F::human, F::json});
  on_run(app, context, o, run_monitor);
}

void setup_results(CLI::App& app, CliContext& context) {
  auto o = std::make_shared<ResultsOptions>();
  app.add_option("experiment", o->experiment, "The experiment whose recorded analyses to list")->required()->type_name("EXPERIMENT");
  app.add_option("--limit", o->limit, "Only the newest N analyses (N >= 1)")->type_name("N")->group(kFilter);
  app.add_option("--aggregates", o->aggregates, "Print recorded analysis ID's sufficient statistics (CSV for analyze --aggregates)")
      ->type_name("ID")->group(kOutput);
  add_format_option(app, o->format, {F::human, F::json, F::csv});
  on_run(app, context, o, run_results);
}

void setup_export(CLI::App& app, CliContext& context) {
  app.require_subcommand(1);
  {
    CLI::App& sub = *app.add_subcommand("bundle", "Publish a versioned config bundle, its diff and latest.json");
    auto o = std::make_shared<ExportBundleOptions>();
    sub.add_option("--output", o->output, "Folder for bundle-<v>.json, diff-<v-1>-<v>.json, latest.json")
        ->required()
        ->type_name("DIR")->group(kOutput);
    add_format_option(sub, o->format, {F::human, F::json});
    on_run(sub, context, o, run_export_bundle);
  }
  {
    CLI::App& sub = *app.add_subcommand("assignments", "Assignments of a list of IDs, for joining with events");
    auto o = std::make_shared<ExportAssignmentsOptions>();
    sub.add_option("--input", o->input, "Entity IDs: FILE or - (one per line, or a CSV column)")
        ->required()
        ->type_name("FILE")->group(kInput);
    sub.add_option("--column", o->column, "Read IDs from this CSV column (the file has a header)")->type_name("NAME")->group(kInput);
    sub.add_option("--threads", o->threads, "For one ID per line: worker threads (default: one per core; the output is the same)")
        ->type_name("N")->check(CLI::Range(1u, 256u))->group(kInput);
    sub.add_option("--namespace", o->namespaces, "Only these layers (repeatable)")->type_name("NAMESPACE")->group(kFilter);
    sub.add_option("--bundle", o->bundle, "Evaluate an exported bundle file instead of the registry")
        ->type_name("FILE")->group(kInput);
    sub.add_option("--output", o->output, "Write to FILE atomically instead of stdout")->type_name("FILE")->group(kOutput);
    add_format_option(sub, o->format, {F::csv, F::jsonl});
    on_run(sub, context, o, run_export_assignments);
  }
  {
    CLI::App& sub = *app.add_subcommand("registry", "Experiments, variants, metrics and bindings as JSON or CSV");
    auto o = std::make_shared<ExportRegistryOptions>();
    sub.add_option("--output", o->output, "json: a FILE->group(kOutput); csv: a DIR for all five tables")->type_name("PATH");
    sub.add_option("--table", o->table, "csv: print one table (namespaces|metrics|experiments|variants|bindings)")
        ->type_name("NAME")->group(kOutput);
    add_format_option(sub, o->format, {F::json, F::csv});
    on_run(sub, context, o, run_export_registry);
  }
  {
    CLI::App& sub = *app.add_subcommand("sql", "The warehouse query behind analyze --source, or the tables' DDL");
    auto o = std::make_shared<ExportSqlOptions>();
    sub.add_option("experiment", o->experiment, "The experiment whose analysis query to print")->type_name("EXPERIMENT");
    sub.add_option("--dialect", o->dialect, "SQL dialect: clickhouse (18.16 and later)")->type_name("DIALECT")->group(kOutput);
    sub.add_flag("--schema", o->schema, "Print the DDL of the events, exposures and daily aggregates tables")->group(kWhat);
    sub.add_option("--events-table", o->query.events_table, "The events table (default events)")->type_name("TABLE")->group(kInput);
    sub.add_option("--exposures-table", o->query.exposures_table, "The exposures table (default exposures)")
        ->type_name("TABLE")->group(kInput);
    sub.add_option("--events-columns", o->query.events_columns, "Map fields to columns, e.g. entity_id=user_id")
        ->type_name("MAP")->group(kInput);
    sub.add_option("--exposures-columns", o->query.exposures_columns, "Map fields to columns, e.g. entity_id=user_id")
        ->type_name("MAP")->group(kInput);
    sub.add_option("--confidence", o->query.confidence, "Confidence of percentile intervals (default 0.95)")
        ->type_name("LEVEL")->group(kStats);
    sub.add_option("--source", o->source, "Read the tables' column types from this warehouse: clickhouse://[USER@]HOST:PORT/DATABASE")
        ->type_name("URL")->group(kInput);
    sub.add_option("--timestamp-type", o->query.timestamp_types,
                   "Without --source: the timestamp columns' type, TYPE or events=TYPE / exposures=TYPE (DateTime, "
                   "DateTime64(3), Int64 epoch s or ms)")
        ->type_name("TYPE")->group(kInput);
    sub.add_option("--as-of", o->query.day, "Only data before the end of DAY, with a day column (the daily job)")
        ->type_name("DAY")->group(kWhat);
    sub.add_option("--insert-into", o->insert_into, "With --as-of: INSERT the rows into this aggregates table")
        ->type_name("TABLE")->group(kOutput);
    sub.add_flag_callback("--cuped", [o] { o->cuped = true; }, "Covariate rows (CUPED) for every mean and conversion metric")
        ->group(kStats);
    sub.add_flag_callback("--no-cuped", [o] { o->cuped = false; }, "No covariate rows, even for bindings with cuped: true")
        ->group(kStats);
    sub.add_option("--cuped-window", o->cuped_window_days, "Days before exposure the covariate covers (default 14)")
        ->type_name("DAYS")->group(kStats);
    on_run(sub, context, o, run_export_sql);
  }
}

void setup_lint(CLI::App& app, CliContext& context) {
  auto o = std::make_shared<LintOptions>();
  app.add_option("paths", o->paths, "Spec files or folders (searched recursively for *.yaml, *.yml), or -")
      ->required()
      ->type_name("PATH");
  app.add_option("--context", o->context, "Resolve references against the specs in DIR too (not linted themselves)")
      ->type_name("DIR")
      ->group(kInput);
  app.add_flag("--strict", o->strict, "Fail (exit 1) on warnings too")->group(kWhat);
  add_word_option(app, "--format", o->format,
                  {{"human", LintFormat::human}, {"json", LintFormat::json}, {"github", LintFormat::github}},
                  "Output format (github prints workflow annotations)", {{"table", LintFormat::human}})
      ->type_name("FORMAT")
      ->group(kOutput);
  on_run(app, context, o, run_lint);
}

// The data and statistics options that analyze and report share.
void add_analysis_options(CLI::App& app, AnalysisRequest* o) {
  app.add_option("--events", o->events, "Events CSV: event_id,entity_id,event_type,timestamp,value (or -)")
      ->type_name("FILE")->group(kInput);
  app.add_option("--exposures", o->exposures, "Exposures CSV: entity_id,experiment,variant,timestamp (or -)")
      ->type_name("FILE")->group(kInput);
  app.add_option("--source", o->source, "Aggregate in a warehouse instead: clickhouse://[USER@]HOST:PORT/DATABASE")
      ->type_name("URL")->group(kInput);
  app.add_option("--events-table", o->events_table, "--source: the events table (default events)")->type_name("TABLE")->group(kInput);
  app.add_option("--exposures-table", o->exposures_table, "--source: the exposures table (default exposures)")
      ->type_name("TABLE")->group(kInput);
  app.add_option("--connect-timeout", o->connect_timeout, "--source: seconds to connect (default 10)")->type_name("S")->group(kInput);
  app.add_option("--query-timeout", o->query_timeout, "--source: seconds the query may run (default 600)")->type_name("S")->group(kInput);
  app.add_option("--aggregates", o->aggregates, "Per-variant sufficient statistics (CSV or JSON) from any warehouse, or -")
      ->type_name("FILE")->group(kInput);
  app.add_option("--day", o->day, "--aggregates with days: analyse this day's rows, not the latest")->type_name("DATE")->group(kInput);
  app.add_option("--events-columns", o->events_columns, "Map fields to columns, e.g. entity_id=user,event_type=name")
      ->type_name("MAP")->group(kInput);
  app.add_option("--exposures-columns", o->exposures_columns, "Map fields to columns, e.g. entity_id=user")
      ->type_name("MAP")->group(kInput);
  app.add_option("--confidence", o->confidence, "Confidence level of every interval (default 0.95)")->type_name("LEVEL")->group(kStats);
  app.add_option("--correction", o->correction, "Multiple-testing correction: holm|bonferroni|bh|none")
      ->type_name("METHOD")->group(kStats);
  app.add_option("--correction-scope", o->correction_scope, "The family it corrects: primary metrics (default) or all")
      ->type_name("SCOPE")->group(kStats);
  app.add_flag_callback("--sequential", [o] { o->sequential = true; },
                        "Always-valid intervals and p-values: safe to look at while it runs")
      ->group(kStats);
  app.add_flag_callback("--no-sequential", [o] { o->sequential = false; }, "Fixed-horizon tests even if the spec says sequential")
      ->group(kStats);
  app.add_option("--sequential-tuning", o->sequential_tuning, "--sequential: entities N* where intervals are tightest (default 5000)")
      ->type_name("N")->group(kStats);
  app.add_flag_callback("--cuped", [o] { o->cuped = true; },
                        "CUPED: adjust every mean and conversion metric by its own pre-exposure value")
      ->group(kStats);
  app.add_flag_callback("--no-cuped", [o] { o->cuped = false; }, "No CUPED, even on metrics whose binding asks for it")
      ->group(kStats);
  app.add_option("--cuped-window", o->cuped_window_days, "CUPED: days before each entity's exposure the covariate covers (default 14)")
      ->type_name("DAYS")->group(kStats);
  app.add_option("--by", o->by, "day: also the cumulative analysis at each day's end (results over time)")
      ->type_name("PERIOD")->group(kStats);
  app.add_flag("--skip-bad-rows", o->skip_bad_rows, "Skip and count malformed rows instead of failing")->group(kStats);
  app.add_option("--threads", o->threads, "Threads for the CSV events: 1, or 2 to parse on a second core (default: 2 when there are two cores; the results are the same bits)")
      ->type_name("N")->check(CLI::Range(1u, 2u))->group(kInput);
  app.add_option("--memory-limit", o->memory_limit,
                 "Memory for the CSV events, e.g. 4G: above it, duplicate detection takes extra passes (default: 3/4 of RAM)")
      ->type_name("SIZE")->group(kInput);
}

void setup_analyze(CLI::App& app, CliContext& context) {
  auto o = std::make_shared<AnalyzeOptions>();
  app.add_option("experiment", o->request.experiment, "The experiment to analyse")->required()->type_name("EXPERIMENT");
  add_analysis_options(app, &o->request);
  app.add_flag("--auto-stop", o->auto_stop, "Stop the experiment (audited) when a guardrail is breached")->group(kWhat);
  app.add_flag("--record", o->record, "Keep the analysis in the registry: expt results lists it")->group(kWhat);
  app.add_flag("-q,--quiet", o->quiet, "No progress line on the terminal while reading")->group(kOutput);
  app.add_flag("--show-sql", o->show_sql, "--source: print the query it would send, and stop")->group(kOutput);
  app.add_option("--output", o->output, "Write the report to FILE atomically instead of stdout")->type_name("FILE")->group(kOutput);
  add_format_option(app, o->format, {F::human, F::json, F::csv, F::markdown});
  on_run(app, context, o, run_analyze);
}

void setup_report(CLI::App& app, CliContext& context) {
  auto o = std::make_shared<ReportOptions>();
  app.add_option("experiment", o->request.experiment, "The experiment to report on")->required()->type_name("EXPERIMENT");
  add_analysis_options(app, &o->request);
  app.add_option("--output", o->output, "The HTML file, written atomically")->required()->type_name("FILE")->group(kOutput);
  app.callback([&context, o]() {
    context.runner = [&context, o](Io& io) {
      o->registry = context.registry;
      o->command_line = context.command_line;
      return run_report(*o, io);
    };
  });
}

void setup_power(CLI::App& app, CliContext& context) {
  auto o = std::make_shared<PowerOptions>();
  app.add_option("--experiment", o->experiment, "Check this experiment's plan: block instead")->type_name("EXPERIMENT")->group(kInput);
  app.add_option("--metric-type", o->metric_type, "conversion|mean (default conversion)")->type_name("TYPE")->group(kMetric);
  app.add_option("--baseline", o->baseline, "The control's conversion rate or mean")->type_name("VALUE")->group(kMetric);
  app.add_option("--std-dev", o->std_dev, "Mean metrics: the per-entity standard deviation")->type_name("VALUE")->group(kMetric);
  app.add_option("--mde", o->mde, "Minimum detectable effect: report the sample size needed")->type_name("VALUE")->group(kDesign);
  app.add_option("--mde-type", o->mde_type, "relative (default) or absolute")->type_name("TYPE")->group(kDesign);
  app.add_option("--sample-size", o->sample_size, "Entities in control: report the reachable MDE")->type_name("N")->group(kDesign);
  app.add_option("--alpha", o->alpha, "Significance level, two-sided (default 0.05)")->type_name("ALPHA")->group(kDesign);
  app.add_option("--power", o->power, "Power (default 0.8)")->type_name("POWER")->group(kDesign);
  app.add_option("--ratio", o->ratio, "Treatment size / control size (default 1)")->type_name("RATIO")->group(kDesign);
  add_format_option(app, o->format, {F::human, F::json});
  on_run(app, context, o, run_power);
}

void setup_serve(CLI::App& app, CliContext& context) {
  auto o = std::make_shared<ServeCommandOptions>();
  app.add_option("--bundles", o->bundles, "The folder `expt export bundle --output` writes")
      ->required()
      ->type_name("DIR")
      ->group(kInput);
  app.add_option("--listen", o->listen, "Address and port (default 127.0.0.1:8080, loopback only; port 0: any)")
      ->type_name("HOST:PORT")
      ->group(kWhat);
  app.add_option("--heartbeat", o->heartbeat_seconds, "Seconds between heartbeats on idle streams (default 15)")
      ->type_name("SECONDS")
      ->group(kWhat);
  app.add_option("--stream-lifetime", o->stream_lifetime_seconds,
                 "Seconds before a stream ends and its client reconnects, less up to 10% at random (default 60)")
      ->type_name("SECONDS")
      ->group(kWhat);
  app.add_option("--rescan", o->rescan_seconds, "Seconds between folder rescans besides inotify (default 5)")
      ->type_name("SECONDS")
      ->group(kWhat);
  app.add_option("--max-connections", o->max_connections,
                 "Open connections before new ones get 503 (default 50000, lowered to what the open-file limit allows)")
      ->type_name("N")
      ->check(CLI::Range(size_t{1}, size_t{10000000}))
      ->group(kWhat);
  app.add_option("--max-streams", o->max_streams, "Open event streams before new ones get 503 (default 40000)")
      ->type_name("N")
      ->check(CLI::Range(size_t{1}, size_t{10000000}))
      ->group(kWhat);
  app.add_option("--shutdown-deadline", o->shutdown_seconds,
                 "On SIGTERM, seconds before requests still running are cut (default 2)")
      ->type_name("SECONDS")
      ->group(kWhat);
  app.add_option("--read-timeout", o->read_timeout_seconds,
                 "Seconds a request may take to arrive whole from its first byte; slower clients are cut (default 10)")
      ->type_name("SECONDS")
      ->group(kWhat);
  app.add_option("--idle-timeout", o->idle_timeout_seconds,
                 "Seconds a connection may wait silent for its next request (default 5)")
      ->type_name("SECONDS")
      ->group(kWhat);
  app.add_option("--threads", o->threads, "Threads serving connections (default: one per core)")
      ->type_name("N")
      ->check(CLI::Range(0u, 256u))
      ->group(kWhat);
  on_run(app, context, o, run_serve);
}

void setup_watch(CLI::App& app, CliContext& context) {
  auto o = std::make_shared<WatchOptions>();
  app.add_option("--server", o->server, "The base URL of `expt serve`")->required()->type_name("URL")->group(kInput);
  app.add_option("--cache", o->cache, "Last-known-good bundle file: read at start, written on each update")
      ->type_name("FILE")
      ->group(kInput);
  app.add_option("--poll", o->poll_seconds, "Seconds between polls when the stream is down (default 30)")
      ->type_name("SECONDS")
      ->group(kWhat);
  app.add_flag("--no-stream", o->no_stream, "Poll only (as behind a proxy that blocks event streams)")->group(kWhat);
  app.add_flag("--follow-new-lineage", o->follow_new_lineage,
               "Take bundles of another registry (a rebuilt one), whatever their versions; otherwise they are refused")
      ->group(kWhat);
  app.add_option("--until-version", o->until_version, "Exit 0 once this version is reached")
      ->type_name("N")
      ->group(kWhat);
  app.add_option("--timeout", o->timeout_seconds, "With --until-version: exit 1 after this many seconds")
      ->type_name("SECONDS")
      ->group(kWhat);
  app.add_option("--entity", o->entities, "Also print this entity's assignment at each version (repeatable)")->type_name("ID")->group(kOutput);
  on_run(app, context, o, run_watch);
}

void setup_help(CLI::App& app, CliContext& context) {
  app.add_option("command", context.help_topic, "The command (and nested command) to explain")->type_name("COMMAND");
  app.add_flag("--man", context.help_man, "Print the manual page (roff) instead")->group(kOutput);
  app.callback([&context]() { context.help_requested = true; });
}

void setup_completion(CLI::App& app, CliContext& context) {
  app.add_option("shell", context.completion_shell, "bash or zsh")
      ->required()
      ->type_name("SHELL")
      ->check(CLI::IsMember({"bash", "zsh"}));
  app.callback([&context]() { context.help_requested = true; });
}

const std::vector<SubcommandEntry>& table() {
  static const std::vector<SubcommandEntry> entries{
      {"init", "Set up", "Create the registry (or migrate it to this version's schema)", setup_init},
      {"create", "Set up", "Load namespace, metric, experiment and holdout specs from YAML", setup_create},
      {"allocate", "Set up", "Claim namespace slots for experiments", setup_allocate},
      {"start", "Lifecycle", "Start a draft experiment (it must hold slots)", setup_transition(Transition::start)},
      {"stop", "Lifecycle", "Stop a running experiment (it keeps its slots until archived)", setup_transition(Transition::stop)},
      {"archive", "Lifecycle", "Archive a stopped or draft experiment, releasing its slots", setup_transition(Transition::archive)},
      {"lint", "Check and analyse", "Check spec files for CI: schema, references, slot collisions, capacity", setup_lint},
      {"list", "Inspect", "List experiments, filtered by namespace, status, owner or type", setup_list},
      {"show", "Inspect", "Draw a namespace's slot map: who holds which slots, what is free", setup_show},
      {"assign", "Inspect", "Show the experiment, variant and config entities get in each layer", setup_assign},
      {"analyze", "Check and analyse", "Analyse an experiment from CSVs, a warehouse or aggregates: effects, SRM, guardrails", setup_analyze},
      {"report", "Check and analyse", "The analysis as one self-contained HTML page with plots", setup_report},
      {"check", "Check and analyse", "The pre-launch checklist of an experiment: slots, variants, metrics, power, approvals", setup_check},
      {"review", "Lifecycle", "Request, approve or reject an experiment's setup before launch; review policies", setup_review},
      {"monitor", "Check and analyse", "Watch every running experiment's guardrails and SRM; stop, publish and notify (for cron)", setup_monitor},
      {"results", "Check and analyse", "List an experiment's recorded analyses (analyze --record): its results over time", setup_results},
      {"power", "Check and analyse", "Sample size and minimum detectable effect before launch", setup_power},
      {"audit", "Inspect", "Show the audit log: who changed what, and when", setup_audit},
      {"export", "Export", "Export config bundles for SDKs, assignments and the registry for analysts", setup_export},
      {"serve", "Export", "Serve a bundle folder over HTTP: bundles, diffs, a push stream, remote assignment", setup_serve},
      {"watch", "Export", "Follow `expt serve` as an SDK does and print each version it moves to", setup_watch},
      {"help", "Help", "Explain a command: its options, examples and exit codes", setup_help},
      {"completion", "Help", "Print a bash or zsh completion script", setup_completion},
  };
  return entries;
}

}  // namespace

std::span<const SubcommandEntry> subcommand_table() { return table(); }

}  // namespace expt
