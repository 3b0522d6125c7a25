#pragma once
// `expt monitor`: analyses every running experiment from a data source (a folder of CSV
// exports, or ClickHouse) and reports each sample ratio mismatch and guardrail breach. With
// --auto-stop it stops the breached experiments (audited as analyze does), with --publish DIR it
// then publishes a bundle without them (what `expt serve` pushes to SDKs), and --notify-command
// gets each finding as JSON on stdin. Safe from cron: one run at a time (a lock file), bounded by
// --timeout, and a second run changes nothing the first did not. Exit 1 when anything was found:
// also an experiment without data, or one whose exports cannot be read.
// docs/governance.md has the folder layout and the finding format; core/usecase/monitor_run.h
// does the work.

#include "commands/common/command.h"
#include "commands/common/registry_access.h"
#include "core/usecase/monitor_run.h"

namespace expt {

struct MonitorOptions {
  RegistryOptions registry;
  MonitorRequest request;  // request.lock empty: the registry's path + ".monitor.lock"
  OutputFormat format = OutputFormat::human;
};

ExitCode run_monitor(const MonitorOptions& options, Io& io);

}  // namespace expt
