#pragma once
// `expt report EXPERIMENT --output report.html` with analyze's data and statistics options: the
// analysis as one self-contained HTML file (commands/render/report_html.h), written atomically.
// Exit codes as analyze's: 1 on a sample ratio mismatch, a guardrail breach or missing data (the
// file is written all the same), 2 on bad input with nothing written.

#include <string>

#include "commands/common/command.h"
#include "commands/common/registry_access.h"
#include "core/usecase/analysis_request.h"

namespace expt {

struct ReportOptions {
  RegistryOptions registry;
  AnalysisRequest request;
  std::string output;        // the HTML file
  std::string command_line;  // for provenance (credentials in URLs are masked)
};

ExitCode run_report(const ReportOptions& options, Io& io);

// `command_line` with every occurrence of the --source value as typed replaced by the source as
// parsed (ClickHouseSource::describe(): no password, however the URL spelled it).
std::string with_source_described(std::string command_line, const std::string& source, const std::string& described);

}  // namespace expt
