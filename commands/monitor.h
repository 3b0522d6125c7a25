#pragma once
// `expt monitor`: analyses every running experiment from a data source (a folder of CSV
// exports, or ClickHouse) and reports each sample ratio mismatch and guardrail breach. With
// --auto-stop it stops the breached experiments (audited as analyze does), with --publish DIR it
// then publishes a bundle without them (what `expt serve` pushes to SDKs), and --notify-command
// gets each finding as JSON on stdin. Safe from cron: one run at a time (a lock file), bounded by
// --timeout, and a second run changes nothing the first did not. Exit 1 when anything was found:
// also an experiment without data, or one whose exports cannot be read.
// docs/governance.md has the folder layout and the finding format.

#include <string>

#include "commands/command.h"
#include "commands/registry_access.h"

namespace expt {

struct MonitorOptions {
  RegistryOptions registry;
  std::string data;    // DIR/<experiment>/{exposures,events}.csv, else DIR/{exposures,events}.csv
  std::string source;  // or clickhouse://...
  std::string events_table = "events";
  std::string exposures_table = "exposures";
  std::string events_columns;
  std::string exposures_columns;
  double confidence = 0.95;
  bool auto_stop = false;
  std::string publish;         // bundle folder, written after stopping
  std::string notify_command;  // run with each finding as JSON on stdin
  std::string lock;            // default: the registry's path + ".monitor.lock"
  double timeout_seconds = 600;
  OutputFormat format = OutputFormat::human;
};

ExitCode run_monitor(const MonitorOptions& options, Io& io);

}  // namespace expt
