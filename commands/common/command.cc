#include "commands/common/command.h"

#include <ostream>

#include "commands/render/color.h"
#include "core/base/name_table.h"
#include "core/base/timestamp.h"

namespace expt {

namespace {
constexpr NameTable<OutputFormat, 4> k_output_format_names{{
    {OutputFormat::human, "human"},
    {OutputFormat::json, "json"},
    {OutputFormat::csv, "csv"},
    {OutputFormat::jsonl, "jsonl"},
}};
}  // namespace

std::string_view to_string(OutputFormat f) { return name_of(k_output_format_names, f); }

AuditStamp Io::stamp() const {
  // Registry stamps have second precision: they are read by people and sorted as text.
  return AuditStamp{format_utc(clock.now_ms() / 1000 * 1000), actor};
}

std::string painted_diagnostic(const Error& error, const SourceTexts* sources, bool color, ShowCode show_code) {
  std::string text = render_diagnostic(error, sources, show_code);
  if (!color) return text;
  const bool warning = error.severity == Severity::warning;
  const std::string word = warning ? "warning:" : "error:";
  // The severity word ends the location prefix of the headline ("file:1:2: error: ...").
  const size_t end_of_headline = text.find('\n');
  size_t at = text.rfind(word, end_of_headline);
  if (at == 0 || (at != std::string::npos && text.compare(at - 2, 2, ": ") == 0)) {
    text.replace(at, word.size(), paint(word, warning ? Paint::yellow : Paint::red, true));
  }
  return text;
}

ExitCode report(Io& io, const Error& error, const SourceTexts* sources) {
  io.err << painted_diagnostic(error, sources, io.color_err);
  return ExitCode::bad_input;
}

}  // namespace expt
