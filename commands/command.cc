#include "commands/command.h"

#include <ostream>

#include "core/base/timestamp.h"

namespace expt {

std::string_view to_string(OutputFormat f) {
  switch (f) {
    case OutputFormat::human: return "human";
    case OutputFormat::json: return "json";
    case OutputFormat::csv: return "csv";
    case OutputFormat::jsonl: return "jsonl";
  }
  return "?";
}

AuditStamp Io::stamp() const {
  // Registry stamps have second precision: they are read by people and sorted as text.
  return AuditStamp{format_utc(clock.now_ms() / 1000 * 1000), actor};
}

ExitCode report(Io& io, const Error& error, const SourceTexts* sources) {
  io.err << render_diagnostic(error, sources);
  return ExitCode::bad_input;
}

}  // namespace expt
