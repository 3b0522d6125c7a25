#include "commands/monitor.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <ostream>
#include <sstream>

#include <fmt/format.h>

#include "commands/analyze.h"
#include "commands/color.h"
#include "commands/render.h"
#include "core/registry/bundle_folder.h"
#include "core/registry/bundle_publish.h"
#include "core/registry/transition_plan.h"

namespace expt {

using nlohmann::json;

namespace {

// One run at a time: an advisory lock on a file beside the registry, released when the process
// ends however it ends (so a killed run never blocks the next).
class RunLock {
 public:
  explicit RunLock(const std::string& path) : m_fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {}
  ~RunLock() {
    if (m_fd >= 0) ::close(m_fd);
  }
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  bool opened() const { return m_fd >= 0; }
  bool try_lock() { return ::flock(m_fd, LOCK_EX | LOCK_NB) == 0; }

 private:
  int m_fd;
};

// Where one experiment's exports are in the data folder.
bool locate(const std::string& data, const std::string& experiment, AnalyzeOptions& options) {
  namespace fs = std::filesystem;
  for (const fs::path& dir : {fs::path(data) / experiment, fs::path(data)}) {
    if (fs::exists(dir / "exposures.csv") && fs::exists(dir / "events.csv")) {
      options.exposures = (dir / "exposures.csv").string();
      options.events = (dir / "events.csv").string();
      return true;
    }
  }
  return false;
}

// Runs `command` with `text` on its stdin; its exit status, or -1 when it could not start. A
// command that exits without reading its input must not take expt down with SIGPIPE: the
// signal is ignored while writing, and the broken pipe is left to the exit status to tell.
int notify(const std::string& command, const std::string& text, int64_t seconds_left) {
  // coreutils' timeout keeps a hung command inside the run's --timeout (killed 5 s after).
  std::string quoted = "'";
  for (char c : command) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  quoted += "'";
  const std::string bounded = fmt::format("timeout -k 5 {} sh -c {}", std::max<int64_t>(1, seconds_left), quoted);
  struct sigaction ignore {}, previous {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &previous);
  int result = -1;
  if (std::FILE* pipe = ::popen(bounded.c_str(), "w")) {
    std::fwrite(text.data(), 1, text.size(), pipe);
    const int status = ::pclose(pipe);
    result = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  ::sigaction(SIGPIPE, &previous, nullptr);
  return result;
}

}  // namespace

ExitCode run_monitor(const MonitorOptions& options, Io& io) {
  if (options.data.empty() == options.source.empty()) {
    return report(io, Error::invalid("say where the data is: --data DIR (CSV exports) or --source clickhouse://..., one of them"));
  }
  if (!(options.timeout_seconds > 0)) return report(io, Error::invalid("--timeout must be a positive number of seconds"));
  if (!options.data.empty() && !std::filesystem::is_directory(options.data)) {
    return report(io, Error::invalid(fmt::format("--data '{}' is not a folder", options.data)));
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int64_t>(options.timeout_seconds * 1000));

  const std::string lock_path = options.lock.empty() ? options.registry.path + ".monitor.lock" : options.lock;
  RunLock lock(lock_path);
  if (!lock.opened()) return report(io, Error::io(fmt::format("cannot open the lock file '{}'", lock_path)));
  if (!lock.try_lock()) {
    io.err << fmt::format("another expt monitor holds {}; this run did nothing\n", lock_path);
    return ExitCode::ok;
  }

  auto registry = open_registry(options.registry, OpenMode::must_exist, io);
  if (!registry) return report(io, registry.error());
  auto state = (*registry)->read();
  if (!state) return report(io, state.error());
  std::vector<std::string> running;
  for (const ExperimentRecord& e : state->experiments) {
    if (e.status == ExperimentStatus::running) running.push_back(e.spec.key);
  }

  json findings = json::array();
  json experiments = json::array();
  std::vector<std::pair<std::string, std::string>> to_stop;  // experiment, reason
  bool complete = true;
  const AuditStamp stamp = io.stamp();
  for (const std::string& key : running) {
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      complete = false;
      findings.push_back({{"kind", "incomplete"}, {"experiment", key}, {"at", stamp.at},
                          {"message", fmt::format("--timeout {} s reached before experiment '{}' was analysed", options.timeout_seconds, key)}});
      continue;
    }
    AnalyzeOptions a;
    a.registry = options.registry;
    a.experiment = key;
    a.confidence = options.confidence;
    a.quiet = true;
    json entry{{"experiment", key}};
    if (!options.data.empty()) {
      if (!locate(options.data, key, a)) {
        entry["analysed"] = false;
        entry["note"] = fmt::format("no exports for it in {}", options.data);
        experiments.push_back(entry);
        continue;
      }
    } else {
      a.source = options.source;
      a.events_table = options.events_table;
      a.exposures_table = options.exposures_table;
      a.query_timeout = static_cast<int>(std::max<int64_t>(1, left));
    }
    a.events_columns = options.events_columns;
    a.exposures_columns = options.exposures_columns;
    std::ostringstream quiet_err;
    std::istringstream no_input;
    Io sub{no_input, io.out, quiet_err, io.clock, io.actor};
    auto prepared = prepare_analysis(a, sub);
    if (!prepared) {
      entry["analysed"] = false;
      entry["error"] = prepared.error().message;
      findings.push_back({{"kind", "analysis_failed"}, {"experiment", key}, {"at", stamp.at}, {"message", prepared.error().message}});
      experiments.push_back(entry);
      continue;
    }
    const AnalysisContext& c = prepared->context;
    entry["analysed"] = c.data_problems.empty();
    // As analyze fails on them: a running experiment without exposures or events is broken logging.
    for (const std::string& problem : c.data_problems) {
      findings.push_back({{"kind", "no_data"}, {"experiment", key}, {"at", stamp.at}, {"message", problem}});
    }
    if (!c.data_problems.empty()) entry["note"] = c.data_problems.front();
    int64_t entities = 0;
    for (int64_t n : c.report.entities) entities += n;
    entry["entities"] = entities;
    if (c.report.srm.mismatch) {
      findings.push_back({{"kind", "srm"},
                          {"experiment", key},
                          {"at", stamp.at},
                          {"p_value", *c.report.srm.p_value},
                          {"entities", c.report.entities},
                          {"message", fmt::format("sample ratio mismatch in {}: p = {:.3g} < 0.001; the assignment or the exposure "
                                                  "logging is broken",
                                                  key, *c.report.srm.p_value)}});
    }
    for (const MetricResult& m : c.report.metrics) {
      for (const TreatmentResult& t : m.treatments) {
        if (!t.guardrail || !t.guardrail->breached) continue;
        const GuardrailCheck& g = *t.guardrail;
        findings.push_back({{"kind", "guardrail_breach"},
                            {"experiment", key},
                            {"at", stamp.at},
                            {"metric", m.metric.key},
                            {"variant", t.variant},
                            {"threshold", g.threshold},
                            {"threshold_type", to_string(g.threshold_type)},
                            {"degradation", *g.degradation},
                            {"degradation_ci_low", *g.degradation_ci_low},
                            {"degradation_ci_high", *g.degradation_ci_high},
                            {"stopped", false}});
      }
    }
    if (!c.breaches.empty()) {
      // analyze's own sentence, so both name a breach the same way
      for (size_t i = 0, k = 0; i < findings.size(); ++i) {
        if (findings[i]["kind"] == "guardrail_breach" && findings[i]["experiment"] == key) findings[i]["message"] = c.breaches[k++];
      }
      if (options.auto_stop) to_stop.emplace_back(key, "auto-stop (monitor): " + c.breaches.front());
    }
    experiments.push_back(entry);
  }

  // Stops, each in its own transaction; one that someone stopped meanwhile is left as it is.
  json stopped = json::array();
  for (const auto& [key, reason] : to_stop) {
    bool changed = false;
    auto done = (*registry)->update([&](const RegistryState& current) -> Result<ChangeSet> {
      auto plan = plan_transition(current, {key, Transition::stop, reason}, stamp);
      if (!plan) return std::move(plan).error();
      changed = plan->changed();
      return plan->changes;
    });
    if (!done) return report(io, done.error());
    if (changed) stopped.push_back(key);
    for (json& f : findings) {
      if (f["kind"] == "guardrail_breach" && f["experiment"] == key) f["stopped"] = true;
    }
  }

  json published = nullptr;
  if (!options.publish.empty()) {
    PublishPlan plan;
    auto done = (*registry)->update([&](const RegistryState& current) -> Result<ChangeSet> {
      plan = plan_bundle_publish(current, stamp);
      return plan.changes;
    });
    if (!done) return report(io, done.error());
    auto synced = sync_bundle_folder(options.publish, plan.current.version,
                                     [&](int64_t v) { return (*registry)->bundle_document(v); });
    if (!synced) return report(io, synced.error());
    published = {{"version", plan.current.version}, {"new_version", plan.is_new}, {"files_written", synced->written}};
  }

  int notify_failures = 0;
  if (!options.notify_command.empty()) {
    for (const json& f : findings) {
      const auto left = std::chrono::duration_cast<std::chrono::seconds>(deadline - std::chrono::steady_clock::now()).count();
      const int status = notify(options.notify_command, f.dump() + "\n", left);
      if (status != 0) {
        ++notify_failures;
        io.err << paint("warning:", Paint::yellow, io.color_err)
               << fmt::format(" --notify-command exited {} for a finding about {}\n", status, f["experiment"].get<std::string>());
      }
    }
  }

  if (options.format == OutputFormat::json) {
    print_json(io.out, {{"experiments", experiments},
                        {"findings", findings},
                        {"stopped", stopped},
                        {"published", published},
                        {"complete", complete},
                        {"notify_failures", notify_failures}});
  } else {
    for (const json& e : experiments) {
      io.out << fmt::format("{}: {}\n", e["experiment"].get<std::string>(),
                            e.contains("error")   ? "not analysed: " + e["error"].get<std::string>()
                            : e.contains("note")  ? e["note"].get<std::string>()
                                                  : fmt::format("{} entities analysed", e.value("entities", int64_t{0})));
    }
    for (const json& f : findings) {
      io.out << paint("!!", Paint::red, io.color_out) << " " << f["message"].get<std::string>()
             << (f.value("stopped", false) ? " (stopped)" : "") << "\n";
    }
    if (!published.is_null()) {
      io.out << fmt::format("bundle {} {} in {}\n", published["version"].get<int64_t>(),
                            published["new_version"].get<bool>() ? "published" : "is current", options.publish);
    }
    if (findings.empty()) io.out << fmt::format("{} running experiment{}: nothing found\n", running.size(), running.size() == 1 ? "" : "s");
  }
  return findings.empty() ? ExitCode::ok : ExitCode::check_failed;
}

}  // namespace expt
