#include "commands/report.h"

#include <fmt/format.h>

#include "commands/common/output.h"
#include "commands/render/report_html.h"
#include "core/assign/content_hash.h"
#include "core/base/timestamp.h"

namespace expt {

std::string mask_credentials(std::string text) {
  for (size_t at = 0; (at = text.find("://", at)) != std::string::npos; at += 3) {
    const size_t end = text.find_first_of(" /", at + 3);
    const size_t sign = text.rfind('@', end == std::string::npos ? text.size() : end);
    if (sign == std::string::npos || sign < at + 3) continue;
    const size_t colon = text.find(':', at + 3);
    if (colon != std::string::npos && colon < sign) text.replace(colon + 1, sign - colon - 1, "***");
  }
  return text;
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
  provenance.command_line = mask_credentials(options.command_line);
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
