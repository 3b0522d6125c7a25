#include "commands/common/command.h"

#include <ostream>

#include "commands/render/color.h"
#include "core/base/name_table.h"
#include "core/base/timestamp.h"

namespace expt {

namespace {
constexpr NameTable<OutputFormat, 5> k_output_format_names{{
    {OutputFormat::human, "human"},
    {OutputFormat::json, "json"},
    {OutputFormat::csv, "csv"},
    {OutputFormat::jsonl, "jsonl"},
    {OutputFormat::markdown, "markdown"},
}};
}  // namespace

std::string_view to_string(OutputFormat f) { return name_of(k_output_format_names, f); }

AuditStamp Io::stamp() const {
  // Registry stamps have second precision: they are read by people and sorted as text.
  return AuditStamp{format_utc(clock.now_ms() / 1000 * 1000), actor, actor_asserted};
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
  io.reported.push_back(error);
  return ExitCode::bad_input;
}

namespace {
constexpr NameTable<ErrorKind, 4> k_error_kind_names{{
    {ErrorKind::invalid_input, "invalid_input"},
    {ErrorKind::not_found, "not_found"},
    {ErrorKind::conflict, "conflict"},
    {ErrorKind::io, "io"},
}};
}  // namespace

nlohmann::json error_json(const std::vector<Error>& errors, const std::string& message) {
  nlohmann::json all = nlohmann::json::array();
  for (const Error& e : errors) {
    nlohmann::json j{{"message", e.message}, {"kind", name_of(k_error_kind_names, e.kind)}};
    if (!e.location.file.empty()) j["file"] = e.location.file;
    if (e.location.line > 0) j["line"] = e.location.line;
    if (e.location.column > 0) j["column"] = e.location.column;
    if (!e.field.empty()) j["field"] = e.field;
    if (!e.code.empty()) j["code"] = e.code;
    all.push_back(std::move(j));
  }
  if (all.empty()) all.push_back({{"message", message}, {"kind", "usage"}});
  return {{"exit_code", 2}, {"error", all.front()}, {"errors", all}};
}

}  // namespace expt
