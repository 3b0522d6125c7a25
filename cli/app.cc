#include "cli/app.h"

#include <CLI/CLI.hpp>

#include <map>
#include <vector>

#include "cli/common_options.h"
#include "commands/allocate.h"
#include "commands/analyze.h"
#include "commands/assign.h"
#include "commands/audit.h"
#include "commands/create.h"
#include "commands/export_assignments.h"
#include "commands/export_bundle.h"
#include "commands/export_registry.h"
#include "commands/init.h"
#include "commands/lifecycle.h"
#include "commands/lint.h"
#include "commands/list.h"
#include "commands/power.h"
#include "commands/show.h"

namespace expt {

namespace {

using F = OutputFormat;

// Binds `run(*options, io)` as the runner when the subcommand is chosen. The registry path is
// a top-level flag (accepted before or after the subcommand), copied in when the command runs.
template <typename Options, typename Run>
void on_run(CLI::App& app, CliContext& context, std::shared_ptr<Options> options, Run run) {
  app.callback([&context, options, run]() {
    context.runner = [&context, options, run](Io& io) {
      if constexpr (requires { options->registry; }) options->registry = context.registry;
      if constexpr (requires { options->use_registry; }) options->use_registry = context.registry_flag->count() > 0;
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
  app.add_flag("--dry-run", o->dry_run, "Show what would change without writing");
  add_format_option(app, o->format, {F::human, F::json});
  on_run(app, context, o, run_create);
}

void setup_allocate(CLI::App& app, CliContext& context) {
  auto o = std::make_shared<AllocateOptions>();
  app.add_option("experiments", o->experiments, "Experiments to allocate slots for")->type_name("EXPERIMENT");
  app.add_flag("--all", o->all, "Allocate every draft experiment that holds no slots");
  app.add_flag("--dry-run", o->dry_run, "Show the placement without writing");
  add_format_option(app, o->format, {F::human, F::json});
  on_run(app, context, o, run_allocate);
}

std::function<void(CLI::App&, CliContext&)> setup_transition(Transition transition) {
  return [transition](CLI::App& app, CliContext& context) {
    auto o = std::make_shared<LifecycleOptions>();
    o->transition = transition;
    app.add_option("experiment", o->experiment, "The experiment")->required()->type_name("EXPERIMENT");
    app.add_option("--reason", o->reason, "Why, recorded in the audit log")->type_name("TEXT");
    if (transition == Transition::start) {
      app.add_flag("--force", o->force, "Start even if the plan: block cannot reach its MDE (audited)");
    }
      add_format_option(app, o->format, {F::human, F::json});
    on_run(app, context, o, run_lifecycle);
  };
}

void setup_list(CLI::App& app, CliContext& context) {
  auto o = std::make_shared<ListOptions>();
  app.add_option("--namespace", o->namespace_key, "Only experiments in this namespace")->type_name("NAMESPACE");
  app.add_option("--status", o->status, "Only this status: draft|running|stopped|archived")->type_name("STATUS");
  app.add_option("--owner", o->owner, "Only this owner team")->type_name("TEAM");
  app.add_option("--type", o->type, "Only this type: ab|multivariate|holdout|rollout")->type_name("TYPE");
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
  app.add_option("--namespace", o->namespaces, "Only these layers (repeatable)")->type_name("NAMESPACE");
  app.add_option("--input", o->input, "Stream entity IDs from FILE or - (one per line, or a CSV column)")
      ->type_name("FILE");
  app.add_option("--column", o->column, "With --input: read IDs from this CSV column (the file has a header)")
      ->type_name("NAME");
  app.add_option("--bundle", o->bundle, "Evaluate an exported bundle file instead of the registry")->type_name("FILE");
  add_format_option(app, o->format, {F::human, F::json, F::csv, F::jsonl});
  on_run(app, context, o, run_assign);
}

void setup_audit(CLI::App& app, CliContext& context) {
  auto o = std::make_shared<AuditOptions>();
  app.add_option("key", o->entity_key, "Only entries about this key (experiment, namespace, metric)")
      ->type_name("KEY");
  app.add_option("--limit", o->limit, "Only the newest N entries")->type_name("N");
  add_format_option(app, o->format, {F::human, F::json, F::csv});
  on_run(app, context, o, run_audit);
}

void setup_export(CLI::App& app, CliContext& context) {
  app.require_subcommand(1);
  {
    CLI::App& sub = *app.add_subcommand("bundle", "Publish a versioned config bundle, its diff and latest.json");
    auto o = std::make_shared<ExportBundleOptions>();
    sub.add_option("--output", o->output, "Folder for bundle-<v>.json, diff-<v-1>-<v>.json, latest.json")
        ->required()
        ->type_name("DIR");
    add_format_option(sub, o->format, {F::human, F::json});
    on_run(sub, context, o, run_export_bundle);
  }
  {
    CLI::App& sub = *app.add_subcommand("assignments", "Assignments of a list of IDs, for joining with events");
    auto o = std::make_shared<ExportAssignmentsOptions>();
    sub.add_option("--input", o->input, "Entity IDs: FILE or - (one per line, or a CSV column)")
        ->required()
        ->type_name("FILE");
    sub.add_option("--column", o->column, "Read IDs from this CSV column (the file has a header)")->type_name("NAME");
    sub.add_option("--namespace", o->namespaces, "Only these layers (repeatable)")->type_name("NAMESPACE");
    sub.add_option("--bundle", o->bundle, "Evaluate an exported bundle file instead of the registry")
        ->type_name("FILE");
    sub.add_option("--output", o->output, "Write to FILE atomically instead of stdout")->type_name("FILE");
    add_format_option(sub, o->format, {F::csv, F::jsonl});
    on_run(sub, context, o, run_export_assignments);
  }
  {
    CLI::App& sub = *app.add_subcommand("registry", "Experiments, variants, metrics and bindings as JSON or CSV");
    auto o = std::make_shared<ExportRegistryOptions>();
    sub.add_option("--output", o->output, "json: a FILE; csv: a DIR for all five tables")->type_name("PATH");
    sub.add_option("--table", o->table, "csv: print one table (namespaces|metrics|experiments|variants|bindings)")
        ->type_name("NAME");
    add_format_option(sub, o->format, {F::json, F::csv});
    on_run(sub, context, o, run_export_registry);
  }
}

void setup_lint(CLI::App& app, CliContext& context) {
  auto o = std::make_shared<LintOptions>();
  app.add_option("paths", o->paths, "Spec files or folders (searched recursively for *.yaml, *.yml), or -")
      ->required()
      ->type_name("PATH");
  app.add_flag("--strict", o->strict, "Fail (exit 1) on warnings too");
  add_word_option(app, "--format", o->format,
                  {{"human", LintFormat::human}, {"json", LintFormat::json}, {"github", LintFormat::github}},
                  "Output format (github prints workflow annotations)")
      ->type_name("FORMAT");
  on_run(app, context, o, run_lint);
}

void setup_analyze(CLI::App& app, CliContext& context) {
  auto o = std::make_shared<AnalyzeOptions>();
  app.add_option("experiment", o->experiment, "The experiment to analyse")->required()->type_name("EXPERIMENT");
  app.add_option("--events", o->events, "Events CSV: event_id,entity_id,event_type,timestamp,value (or -)")
      ->required()
      ->type_name("FILE");
  app.add_option("--exposures", o->exposures, "Exposures CSV: entity_id,experiment,variant,timestamp (or -)")
      ->required()
      ->type_name("FILE");
  app.add_option("--events-columns", o->events_columns, "Map fields to columns, e.g. entity_id=user,event_type=name")
      ->type_name("MAP");
  app.add_option("--exposures-columns", o->exposures_columns, "Map fields to columns, e.g. entity_id=user")
      ->type_name("MAP");
  app.add_option("--confidence", o->confidence, "Confidence level of every interval (default 0.95)")->type_name("LEVEL");
  app.add_option("--correction", o->correction, "Multiple-testing correction over primary metrics: holm|bh|none")
      ->type_name("METHOD");
  app.add_flag("--skip-bad-rows", o->skip_bad_rows, "Skip and count malformed rows instead of failing");
  app.add_flag("--auto-stop", o->auto_stop, "Stop the experiment (audited) when a guardrail is breached");
  app.add_option("--output", o->output, "Write the report to FILE atomically instead of stdout")->type_name("FILE");
  add_word_option(app, "--format", o->format,
                  {{"table", AnalyzeFormat::table},
                   {"json", AnalyzeFormat::json},
                   {"csv", AnalyzeFormat::csv},
                   {"markdown", AnalyzeFormat::markdown}},
                  "Output format")
      ->type_name("FORMAT");
  on_run(app, context, o, run_analyze);
}

void setup_power(CLI::App& app, CliContext& context) {
  auto o = std::make_shared<PowerOptions>();
  app.add_option("--experiment", o->experiment, "Check this experiment's plan: block instead")->type_name("EXPERIMENT");
  app.add_option("--metric-type", o->metric_type, "conversion|mean (default conversion)")->type_name("TYPE");
  app.add_option("--baseline", o->baseline, "The control's conversion rate or mean")->type_name("VALUE");
  app.add_option("--std-dev", o->std_dev, "Mean metrics: the per-entity standard deviation")->type_name("VALUE");
  app.add_option("--mde", o->mde, "Minimum detectable effect: report the sample size needed")->type_name("VALUE");
  app.add_option("--mde-type", o->mde_type, "relative (default) or absolute")->type_name("TYPE");
  app.add_option("--sample-size", o->sample_size, "Entities in control: report the reachable MDE")->type_name("N");
  app.add_option("--alpha", o->alpha, "Significance level, two-sided (default 0.05)")->type_name("ALPHA");
  app.add_option("--power", o->power, "Power (default 0.8)")->type_name("POWER");
  app.add_option("--ratio", o->ratio, "Treatment size / control size (default 1)")->type_name("RATIO");
  add_format_option(app, o->format, {F::human, F::json});
  on_run(app, context, o, run_power);
}

const std::vector<SubcommandEntry>& table() {
  static const std::vector<SubcommandEntry> entries{
      {"init", "Create the registry (or migrate it to this version's schema)", setup_init},
      {"create", "Load namespace, metric, experiment and holdout specs from YAML", setup_create},
      {"allocate", "Claim namespace slots for experiments", setup_allocate},
      {"start", "Start a draft experiment (it must hold slots)", setup_transition(Transition::start)},
      {"stop", "Stop a running experiment (it keeps its slots until archived)", setup_transition(Transition::stop)},
      {"archive", "Archive a stopped or draft experiment, releasing its slots", setup_transition(Transition::archive)},
      {"lint", "Check spec files for CI: schema, references, slot collisions, capacity", setup_lint},
      {"list", "List experiments, filtered by namespace, status, owner or type", setup_list},
      {"show", "Draw a namespace's slot map: who holds which slots, what is free", setup_show},
      {"assign", "Show the experiment, variant and config entities get in each layer", setup_assign},
      {"analyze", "Analyse an experiment from event and exposure CSVs: effects, SRM, guardrails", setup_analyze},
      {"power", "Sample size and minimum detectable effect before launch", setup_power},
      {"audit", "Show the audit log: who changed what, and when", setup_audit},
      {"export", "Export config bundles for SDKs, assignments and the registry for analysts", setup_export},
  };
  return entries;
}

}  // namespace

std::span<const SubcommandEntry> subcommand_table() { return table(); }

std::string_view help_footer() {
  return R"(Exit codes:
  0  success
  1  a check found problems (slot collision, guardrail breach, sample ratio mismatch)
  2  bad usage or input (the message names the file, line and field); nothing was written

Environment:
  EXPT_REGISTRY  registry file used when --registry is not given (default ./expt.db)
  EXPT_ACTOR     name recorded in the audit log (default: the login name)
  EXPT_NOW       fixed current time (ISO-8601 or epoch seconds), for reproducible runs

Documentation: docs/cli.md)";
}

std::unique_ptr<CLI::App> build_app(CliContext& context) {
  auto app = std::make_unique<CLI::App>(
      "expt: one framework for A/B tests, multivariate tests, holdouts and rollouts over a shared registry",
      "expt");
  app->set_version_flag("--version", "expt 0.1.0");
  app->require_subcommand(1);
  app->footer(std::string(help_footer()));
  app->fallthrough();
  context.registry_flag = add_registry_option(*app, context.registry);
  for (const SubcommandEntry& entry : subcommand_table()) {
    CLI::App* sub = app->add_subcommand(std::string(entry.name), std::string(entry.summary));
    entry.setup(*sub, context);
  }
  return app;
}

std::optional<int> parse_command_line(CliContext& context, int argc, char** argv) {
  auto app = build_app(context);
  try {
    app->parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app->exit(e);
    // CLI11 uses 100-127 for its own failures; the contract has one code for bad usage.
    return code == 0 ? 0 : static_cast<int>(ExitCode::bad_input);
  }
  return std::nullopt;
}

}  // namespace expt
