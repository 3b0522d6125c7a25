#include "commands/monitor.h"

#include <ostream>

#include <fmt/format.h>

#include "commands/render/color.h"
#include "commands/render/render.h"

namespace expt {

using nlohmann::json;

namespace {

void print_human(const MonitorOutcome& out, const std::string& publish, Io& io) {
  for (const json& e : out.experiments) {
    io.out << fmt::format("{}: {}\n", e["experiment"].get<std::string>(),
                          e.contains("error")   ? "not analysed: " + e["error"].get<std::string>()
                          : e.contains("note")  ? e["note"].get<std::string>()
                                                : fmt::format("{} entities analysed", e.value("entities", int64_t{0})));
  }
  for (const json& f : out.findings) {
    io.out << paint("!!", Paint::red, io.color_out) << " " << f["message"].get<std::string>()
           << (f.value("stopped", false) ? " (stopped)" : "") << "\n";
  }
  if (!out.published.is_null()) {
    io.out << fmt::format("bundle {} {} in {}\n", out.published["version"].get<int64_t>(),
                          out.published["new_version"].get<bool>() ? "published" : "is current", publish);
  }
  if (out.findings.empty()) {
    io.out << fmt::format("{} running experiment{}: nothing found\n", out.running, out.running == 1 ? "" : "s");
  }
}

}  // namespace

ExitCode run_monitor(const MonitorOptions& options, Io& io) {
  MonitorRequest request = options.request;
  if (request.lock.empty()) request.lock = options.registry.path + ".monitor.lock";
  if (auto ok = check_monitor_request(request); !ok) return report(io, ok.error());
  auto registry = open_registry(options.registry, OpenMode::must_exist, io);
  if (!registry) return report(io, registry.error());
  NoProgress quiet;
  Session session = io.session(quiet);
  auto outcome = monitor_running_experiments(request, **registry, session);
  if (!outcome) return report(io, outcome.error());
  if (outcome->locked_out) {
    io.err << fmt::format("another expt monitor holds {}; this run did nothing\n", request.lock);
    return ExitCode::ok;
  }
  for (const std::string& failure : outcome->notify_failures) {
    io.err << paint("warning:", Paint::yellow, io.color_err) << " " << failure << '\n';
  }
  if (options.format == OutputFormat::json) {
    print_json(io.out, {{"experiments", outcome->experiments},
                        {"findings", outcome->findings},
                        {"stopped", outcome->stopped},
                        {"published", outcome->published},
                        {"complete", outcome->complete},
                        {"notify_failures", outcome->notify_failures.size()},
                        {"notifications_sent", outcome->notifications_sent}});
  } else {
    print_human(*outcome, request.publish, io);
  }
  return outcome->findings.empty() ? ExitCode::ok : ExitCode::check_failed;
}

}  // namespace expt
