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

// "clickhouse://user:secret@host" -> "clickhouse://user:***@host", anywhere in `text`.
std::string mask_credentials(std::string text);

}  // namespace expt
