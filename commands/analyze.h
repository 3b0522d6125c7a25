#pragma once
// `expt analyze EXPERIMENT --events FILE --exposures FILE`: reads the two CSV exports in one
// streaming pass each (or has ClickHouse aggregate with --source, or reads --aggregates),
// aggregates per variant, and reports every bound metric against the
// control, with the data summary, sample ratio check and guardrail verdicts. Exit 1 on a sample
// ratio mismatch or a guardrail breach (with --auto-stop the experiment is also stopped, audited);
// exit 2 on bad input, with nothing written.

#include <string>

#include "commands/common/command.h"
#include "commands/common/registry_access.h"
#include "core/usecase/analysis_request.h"

namespace expt {

struct AnalyzeOptions {
  RegistryOptions registry;
  AnalysisRequest request;  // the experiment, its data and the statistics
  bool auto_stop = false;
  bool quiet = false;   // no progress line on the terminal
  bool record = false;  // keep the analysis in the registry (`expt results` lists it)
  bool show_sql = false;  // --source: print the query instead of running it
  OutputFormat format = OutputFormat::human;
  std::string output;  // file written atomically; empty or "-": stdout
};

ExitCode run_analyze(const AnalyzeOptions& options, Io& io);

}  // namespace expt
