#include "commands/report.h"

#include <fmt/format.h>

#include "commands/report_html.h"
#include "core/assign/content_hash.h"
#include "core/base/atomic_file.h"
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
  if (options.output.empty()) return report(io, Error::invalid("--output FILE is required: the report is an HTML file"));
  AnalyzeOptions analysis = options.analysis;
  analysis.quiet = true;
  auto prepared = prepare_analysis(analysis, io);
  if (!prepared) return report(io, prepared.error());
  const AnalysisContext& context = prepared->context;

  ReportProvenance provenance;
  provenance.expt_version = EXPT_VERSION;
  provenance.command_line = mask_credentials(options.command_line);
  provenance.bundle = prepared->latest_bundle;
  provenance.generated_at = format_utc(io.clock.now_ms());
  for (const std::string& path : {analysis.exposures, analysis.events, analysis.aggregates}) {
    if (path.empty()) continue;
    auto hash = path == "-" ? std::optional<std::string>("standard input, not hashed") : file_content_hash(path);
    provenance.inputs.emplace_back(path, hash.value_or("unreadable"));
  }
  if (!analysis.source.empty()) {
    provenance.inputs.emplace_back(context.source.value("url", std::string()),
                                   fmt::format("tables {} and {}", analysis.events_table, analysis.exposures_table));
  }
  const std::string html = analysis_html(context, prepared->experiment, provenance);
  auto file = AtomicFileWriter::open(options.output);
  if (!file) return report(io, file.error());
  if (auto written = (*file)->write(html); !written) return report(io, written.error());
  if (auto committed = (*file)->commit(); !committed) return report(io, committed.error());
  io.err << "wrote " << options.output << "\n";
  const bool failed = context.report.srm.mismatch || context.report.guardrail_breached() || !context.data_problems.empty();
  return failed ? ExitCode::check_failed : ExitCode::ok;
}

}  // namespace expt
