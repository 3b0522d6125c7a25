#include "core/usecase/monitor_run.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <sstream>

#include <fmt/format.h>

#include "core/analysis/finding_text.h"
#include "core/plan/transition_plan.h"
#include "core/process/child_process.h"
#include "core/process/file_lock.h"
#include "core/usecase/bundle_publication.h"
#include "core/usecase/prepared_analysis.h"

namespace expt {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

// The analysis of one experiment's data: its exports in the data folder, or the warehouse.
// nullopt when the folder has no exports for it.
std::optional<AnalysisRequest> request_for(const MonitorRequest& m, const std::string& experiment, Clock::time_point deadline) {
  AnalysisRequest a;
  a.experiment = experiment;
  a.confidence = m.confidence;
  a.events_columns = m.events_columns;
  a.exposures_columns = m.exposures_columns;
  if (!m.data.empty()) {
    namespace fs = std::filesystem;
    for (const fs::path& dir : {fs::path(m.data) / experiment, fs::path(m.data)}) {
      if (fs::exists(dir / "exposures.csv") && fs::exists(dir / "events.csv")) {
        a.exposures = (dir / "exposures.csv").string();
        a.events = (dir / "events.csv").string();
        return a;
      }
    }
    return std::nullopt;
  }
  a.source = m.source;
  a.events_table = m.events_table;
  a.exposures_table = m.exposures_table;
  const auto left = std::chrono::duration_cast<std::chrono::seconds>(deadline - Clock::now()).count();
  a.query_timeout = static_cast<int>(std::max<int64_t>(1, left));
  return a;
}

// The findings of one analysed experiment, in the order of docs/governance.md: missing data,
// the sample ratio mismatch, then each breach (named by analyze's own sentence).
void add_findings(const std::string& key, const AnalysisResult& c, const std::string& at, json& findings) {
  for (const std::string& problem : c.data_problems) {
    findings.push_back({{"kind", "no_data"}, {"experiment", key}, {"at", at}, {"message", problem}});
  }
  if (c.report.srm.mismatch) {
    findings.push_back({{"kind", "srm"},
                        {"experiment", key},
                        {"at", at},
                        {"p_value", *c.report.srm.p_value},
                        {"entities", c.report.entities},
                        {"message", srm_mismatch_sentence(*c.report.srm.p_value, key)}});
  }
  size_t breach = 0;
  for (const MetricResult& m : c.report.metrics) {
    for (const TreatmentResult& t : m.treatments) {
      if (!t.guardrail || !t.guardrail->breached) continue;
      const GuardrailCheck& g = *t.guardrail;
      findings.push_back({{"kind", "guardrail_breach"},
                          {"experiment", key},
                          {"at", at},
                          {"metric", m.metric.key},
                          {"variant", t.variant},
                          {"threshold", g.threshold},
                          {"threshold_type", to_string(g.threshold_type)},
                          {"degradation", *g.degradation},
                          {"degradation_ci_low", *g.degradation_ci_low},
                          {"degradation_ci_high", *g.degradation_ci_high},
                          {"stopped", false},
                          {"message", breach < c.breaches.size() ? c.breaches[breach] : std::string()}});
      ++breach;
    }
  }
}

// The outbox rows of `key`'s findings (all of them when `key` is empty: those of no stop).
std::vector<Notification> notifications_of(const json& findings, const std::string& key, const std::string& at,
                                           const std::vector<std::string>& stopped_keys) {
  std::vector<Notification> out;
  for (const json& f : findings) {
    const std::string experiment = f.value("experiment", std::string());
    const bool of_a_stop = std::find(stopped_keys.begin(), stopped_keys.end(), experiment) != stopped_keys.end();
    if (key.empty() ? of_a_stop : experiment != key) continue;
    out.push_back(Notification{0, at, experiment, f});
  }
  return out;
}

// Stops each breached experiment in its own transaction, which also puts its findings in the
// outbox (when they are to be sent): a stop is never committed without its notification. One
// that someone stopped meanwhile is left as it is.
Result<void> stop_breached(Registry& registry, const std::vector<std::pair<std::string, std::string>>& to_stop,
                           const AuditStamp& stamp, bool outbox, MonitorOutcome& out) {
  std::vector<std::string> keys;
  for (const auto& stop : to_stop) keys.push_back(stop.first);
  for (const auto& stop : to_stop) {
    const std::string& key = stop.first;  // named, not bound: clang 14 lambdas cannot capture bindings
    const std::string& reason = stop.second;
    for (json& f : out.findings) {
      if (f["kind"] == "guardrail_breach" && f["experiment"] == key) f["stopped"] = true;
    }
    bool changed = false;
    auto done = registry.update([&](const RegistryState& current) -> Result<ChangeSet> {
      auto plan = plan_transition(current, {key, Transition::stop, reason}, stamp);
      if (!plan) return std::move(plan).error();
      changed = plan->changed();
      ChangeSet changes = plan->changes;
      if (outbox) changes.notifications = notifications_of(out.findings, key, stamp.at, keys);
      return changes;
    });
    if (!done) return std::move(done).error();
    if (changed) out.stopped.push_back(key);
  }
  // The other findings (no stop to go with them) enter the outbox together.
  if (outbox) {
    std::vector<Notification> rest = notifications_of(out.findings, "", stamp.at, keys);
    if (!rest.empty()) {
      auto done = registry.update([&](const RegistryState&) -> Result<ChangeSet> {
        ChangeSet changes;
        changes.notifications = rest;
        return changes;
      });
      if (!done) return std::move(done).error();
    }
  }
  return {};
}

// Sends every unsent notification in the outbox, this run's and any a killed run left, oldest
// first, each with its id (receivers deduplicate on it: a run killed between a command's success
// and its mark sends that one again). Each success is marked sent at once.
Result<void> send_outbox(Registry& registry, const std::string& command, Clock::time_point deadline, const AuditStamp& stamp,
                         MonitorOutcome& out) {
  auto state = registry.read();
  if (!state) return std::move(state).error();
  for (const Notification& note : state->unsent_notifications) {
    json payload = note.payload;
    payload["notification_id"] = note.id;
    // A hung command is stopped at the run's deadline, and given at least a second.
    const ChildOutcome sent =
        run_with_input(command, payload.dump() + "\n", std::max(deadline, Clock::now() + std::chrono::seconds(1)));
    if (sent.succeeded()) {
      auto marked = registry.update([&](const RegistryState&) -> Result<ChangeSet> {
        ChangeSet changes;
        changes.notifications_sent = {note.id};
        changes.sent_at = stamp.at;
        return changes;
      });
      if (!marked) return std::move(marked).error();
      ++out.notifications_sent;
      continue;
    }
    const std::string how = !sent.started   ? "could not start (" + sent.error + ")"
                            : sent.timed_out ? "did not finish by the deadline"
                                             : fmt::format("exited {}", sent.exit_status);
    out.notify_failures.push_back(fmt::format("--notify-command {} for notification {} about {} (kept; the next run "
                                              "sends it again)",
                                              how, note.id, note.experiment));
  }
  return {};
}

}  // namespace

Result<void> check_monitor_request(const MonitorRequest& request) {
  if (request.data.empty() == request.source.empty()) {
    return Error::invalid("say where the data is: --data DIR (CSV exports) or --source clickhouse://..., one of them");
  }
  if (!(request.timeout_seconds > 0)) return Error::invalid("--timeout must be a positive number of seconds");
  if (!request.data.empty() && !std::filesystem::is_directory(request.data)) {
    return Error::invalid(fmt::format("--data '{}' is not a folder", request.data));
  }
  return {};
}

Result<MonitorOutcome> monitor_running_experiments(const MonitorRequest& request, Registry& registry, Session& session) {
  if (auto ok = check_monitor_request(request); !ok) return ok.error();
  const auto deadline = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(request.timeout_seconds * 1000));
  MonitorOutcome out;
  auto lock = FileLock::try_acquire(request.lock);
  if (!lock) return std::move(lock).error();
  if (!*lock) {
    out.locked_out = true;
    return out;
  }

  auto state = registry.read();
  if (!state) return std::move(state).error();
  std::vector<std::string> running;
  for (const ExperimentRecord& e : state->experiments) {
    if (e.status == ExperimentStatus::running) running.push_back(e.spec.key);
  }
  out.running = running.size();
  std::vector<std::pair<std::string, std::string>> to_stop;  // experiment, reason
  const std::string& at = session.stamp.at;
  for (const std::string& key : running) {
    if (Clock::now() >= deadline) {
      out.complete = false;
      out.findings.push_back({{"kind", "incomplete"}, {"experiment", key}, {"at", at},
                              {"message", fmt::format("--timeout {} s reached before experiment '{}' was analysed",
                                                      request.timeout_seconds, key)}});
      continue;
    }
    json entry{{"experiment", key}};
    std::optional<AnalysisRequest> analysis = request_for(request, key, deadline);
    if (!analysis) {
      entry["analysed"] = false;
      entry["note"] = fmt::format("no exports for it in {}", request.data);
      out.experiments.push_back(entry);
      continue;
    }
    std::istringstream no_input;
    NoProgress quiet;
    Session sub{no_input, quiet, session.environment, session.stamp};
    auto prepared = prepare_analysis(*analysis, registry, sub);
    if (!prepared) {
      entry["analysed"] = false;
      entry["error"] = prepared.error().message;
      out.findings.push_back({{"kind", "analysis_failed"}, {"experiment", key}, {"at", at}, {"message", prepared.error().message}});
      out.experiments.push_back(entry);
      continue;
    }
    const AnalysisResult& c = prepared->result;
    entry["analysed"] = c.data_problems.empty();
    if (!c.data_problems.empty()) entry["note"] = c.data_problems.front();
    int64_t entities = 0;
    for (int64_t n : c.report.entities) entities += n;
    entry["entities"] = entities;
    add_findings(key, c, at, out.findings);
    if (!c.breaches.empty() && request.auto_stop) to_stop.emplace_back(key, "auto-stop (monitor): " + c.breaches.front());
    out.experiments.push_back(entry);
  }

  const bool outbox = !request.notify_command.empty();
  if (auto stopped = stop_breached(registry, to_stop, session.stamp, outbox, out); !stopped) return std::move(stopped).error();
  // A publish that fails (a full disk) still lets the notifications go: they are in the outbox.
  std::optional<Error> publish_failed;
  if (!request.publish.empty()) {
    auto published = publish_bundle(registry, request.publish, session.stamp);
    if (published) {
      out.published = {{"version", published->current.version},
                       {"new_version", published->is_new},
                       {"files_written", published->written}};
    } else {
      publish_failed = std::move(published).error();
    }
  }
  if (outbox) {
    if (auto sent = send_outbox(registry, request.notify_command, deadline, session.stamp, out); !sent) return std::move(sent).error();
  }
  if (publish_failed) return std::move(*publish_failed);
  return out;
}

}  // namespace expt
