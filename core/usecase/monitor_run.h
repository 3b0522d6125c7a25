#pragma once
// The guardrail monitor (`expt monitor`, docs/governance.md): every running experiment analysed
// from a folder of CSV exports or a warehouse, each sample ratio mismatch, guardrail breach and
// missing data reported as a finding; with auto-stop the breached experiments stopped (each in
// its own transaction), with a publish folder a bundle published without them, and each finding
// given as JSON to a notify command. One run at a time (a lock file beside the registry), within
// a deadline. Notifications go through an outbox in the registry, written in the transaction of
// the stop they announce and marked sent after the command succeeds: sent at least once, whether
// the run is killed or its publish fails, each with a `notification_id` to deduplicate on.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/registry/registry.h"
#include "core/usecase/session.h"

namespace expt {

struct MonitorRequest {
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
  std::string lock;            // the lock file
  double timeout_seconds = 600;
};

struct MonitorOutcome {
  bool locked_out = false;              // another monitor holds the lock: this run did nothing
  size_t running = 0;                   // running experiments looked at
  nlohmann::json experiments = nlohmann::json::array();  // per experiment: analysed, entities, note or error
  nlohmann::json findings = nlohmann::json::array();     // docs/governance.md's finding objects
  nlohmann::json stopped = nlohmann::json::array();      // keys stopped by this run
  nlohmann::json published = nullptr;   // {version, new_version, files_written} with a publish folder
  bool complete = true;                 // every running experiment was analysed before the deadline
  std::vector<std::string> notify_failures;  // one sentence per notification that failed (kept in the outbox)
  size_t notifications_sent = 0;             // outbox rows sent by this run, earlier runs' included
};

// Error (invalid): no data source or two, a --data that is not a folder, a timeout that is not
// positive.
Result<void> check_monitor_request(const MonitorRequest& request);

// Errors (nothing found is not an error): the request is invalid, the lock file cannot be
// opened, the registry cannot be read or written, the bundle cannot be published.
Result<MonitorOutcome> monitor_running_experiments(const MonitorRequest& request, Registry& registry, Session& session);

}  // namespace expt
