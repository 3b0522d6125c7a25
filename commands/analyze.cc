#include "commands/analyze.h"

#include <ostream>

#include "commands/common/output.h"
#include "commands/render/analysis_render.h"
#include "commands/render/color.h"
#include "commands/render/progress_line.h"
#include "core/analysis/finding_text.h"
#include "core/base/printable.h"
#include "core/usecase/analysis_record.h"
#include "core/usecase/prepared_analysis.h"

namespace expt {

namespace {

std::string rendered(const AnalysisContext& context, OutputFormat format) {
  switch (format) {
    case OutputFormat::human: return analysis_table(context);
    case OutputFormat::json: return analysis_json(context).dump(2) + "\n";
    case OutputFormat::csv: return analysis_csv(context);
    case OutputFormat::markdown: return analysis_markdown(context);
    case OutputFormat::jsonl: break;  // not offered for analyze
  }
  return {};
}

}  // namespace

ExitCode run_analyze(const AnalyzeOptions& options, Io& io) {
  auto registry = open_registry(options.registry, OpenMode::must_exist, io);
  if (!registry) return report(io, registry.error());
  ProgressLine progress(io.err, io.err_is_terminal && !options.quiet);
  Session session = io.session(progress);
  if (options.show_sql) {
    auto sql = analysis_query_text(options.request, **registry, session);
    if (!sql) return report(io, sql.error());
    io.out << *sql;
    return ExitCode::ok;
  }
  auto prepared = prepare_analysis(options.request, **registry, session);
  if (!prepared) return report(io, prepared.error());
  AnalysisContext context{prepared->result};
  context.color = io.color_out;
  const bool breached = context.report.guardrail_breached();

  // With --output, the report and an auto-stop happen both or neither: the report is written
  // and flushed to a temporary file first, the stop is committed, and only then does the file
  // take its name. A failure before the commit leaves neither; a crash between the two leaves a
  // stopped experiment, and running the analysis again writes its report.
  const bool will_stop = breached && options.auto_stop && prepared->experiment.status == ExperimentStatus::running;
  context.auto_stopped = will_stop;
  const std::string text = rendered(context, options.format);
  auto output = Output::open(options.output, io);
  if (!output) return report(io, output.error());
  if (!output->is_stdout()) {
    if (auto written = output->write(text); !written) return report(io, written.error());
    if (auto flushed = output->flush(); !flushed) return report(io, flushed.error());
  }
  if (auto committed = commit_analysis_outcome(**registry, *prepared, will_stop, options.record, session.stamp); !committed) {
    return report(io, committed.error());
  }
  if (output->is_stdout()) {
    if (auto written = output->write(text); !written) return report(io, written.error());
  }
  if (auto committed = output->commit(); !committed) return report(io, committed.error());
  // Machine formats and files get the verdicts on stderr too; the table already shows them.
  const bool table_on_stdout = options.format == OutputFormat::human && output->is_stdout();
  if (!table_on_stdout) {
    if (context.report.srm.mismatch) io.err << srm_mismatch_sentence(*context.report.srm.p_value) << '\n';
    for (const std::string& b : context.breaches) io.err << b << '\n';
    // Missing data is said on stderr whatever the format: a script must not miss it.
    for (const std::string& p : context.data_problems) io.err << paint("no data:", Paint::red, io.color_err) << " " << printable(p) << '\n';
  }
  return context.failed() ? ExitCode::check_failed : ExitCode::ok;
}

}  // namespace expt
