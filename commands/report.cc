#include "commands/report.h"

#include <fmt/format.h>

#include "commands/common/output.h"
#include "commands/render/report_html.h"
#include "core/assign/content_hash.h"
#include "core/base/timestamp.h"

namespace expt {

std::string with_source_described(std::string command_line, const std::string& source, const std::string& described) {
  if (source.empty()) return command_line;
  for (size_t at = command_line.find(source); at != std::string::npos; at = command_line.find(source, at + described.size())) {
    command_line.replace(at, source.size(), described);
  }
  return command_line;
}

ExitCode run_report(const ReportOptions& options, Io& io) {
  if (options.output.empty()) {
    return report(io, Error::invalid("--output FILE is required: the report is an HTML file (--output - writes it to stdout)"));
  }
  auto registry = open_registry(options.registry, OpenMode::must_exist, io);
  if (!registry) return report(io, registry.error());
  NoProgress quiet;
  Session session = io.session(quiet);
  auto prepared = prepare_analysis(options.request, **registry, session);
  if (!prepared) return report(io, prepared.error());
  AnalysisContext context{prepared->result};

  ReportProvenance provenance;
  provenance.expt_version = EXPT_VERSION;
  // The --source as the parser understood it (user, host, port, database): no password, however
  // the URL spelled it.
  provenance.command_line =
      with_source_described(options.command_line, options.request.source, context.source.value("url", std::string("clickhouse://")));
  provenance.bundle = prepared->latest_bundle;
  provenance.generated_at = format_utc(io.clock.now_ms());
  for (const std::string& path : prepared->files) {
    auto hash = path == "-" ? std::optional<std::string>("standard input, not hashed") : file_content_hash(path);
    provenance.inputs.emplace_back(path, hash.value_or("unreadable"));
  }
  if (!options.request.source.empty()) {
    provenance.inputs.emplace_back(context.source.value("url", std::string()),
                                   fmt::format("tables {} and {}", options.request.events_table, options.request.exposures_table));
  }
  const std::string html = analysis_html(context, prepared->experiment, provenance);
  auto output = Output::open(options.output, io);
  if (!output) return report(io, output.error());
  if (auto written = output->write(html); !written) return report(io, written.error());
  if (auto committed = output->commit(); !committed) return report(io, committed.error());
  if (!output->is_stdout()) io.err << "wrote " << options.output << "\n";
  return context.failed() ? ExitCode::check_failed : ExitCode::ok;
}

}  // namespace expt
