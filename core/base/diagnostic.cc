#include "core/base/diagnostic.h"

#include <algorithm>

#include "core/base/finding_codes.h"

namespace expt {

namespace {
constexpr size_t k_quoted_line_bytes = 120;  // longer source lines are quoted around the column
}  // namespace

std::string diagnostic_headline(const Error& error, ShowCode show_code) {
  std::string out;
  const SourceLocation& loc = error.location;
  if (!loc.file.empty()) {
    out += loc.file;
    if (loc.line > 0) {
      out += ':' + std::to_string(loc.line);
      if (loc.column > 0) out += ':' + std::to_string(loc.column);
    }
    out += ": ";
  }
  out += error.severity == Severity::warning ? "warning: " : "error: ";
  out += error.message;
  if (show_code == ShowCode::yes && !error.code.empty()) {
    const FindingCode* code = find_finding_code(error.code);
    out += " [" + error.code + (code ? " " + std::string(code->name) : std::string()) + "]";
  }
  return out;
}

std::string_view source_line(std::string_view text, int line) {
  if (line < 1) return {};
  size_t begin = 0;
  for (int i = 1; i < line; ++i) {
    size_t nl = text.find('\n', begin);
    if (nl == std::string_view::npos) return {};
    begin = nl + 1;
  }
  if (begin >= text.size()) return {};
  size_t end = text.find('\n', begin);
  std::string_view result = text.substr(begin, end == std::string_view::npos ? end : end - begin);
  if (!result.empty() && result.back() == '\r') result.remove_suffix(1);
  return result;
}

std::string render_diagnostic(const Error& error, const SourceTexts* sources, ShowCode show_code) {
  std::string out = diagnostic_headline(error, show_code) + '\n';
  const SourceLocation& loc = error.location;
  if (sources == nullptr || loc.line < 1) return out;
  auto it = sources->find(loc.file);
  if (it == sources->end()) return out;
  std::string_view line = source_line(it->second, loc.line);
  if (line.empty()) return out;
  // A long line is quoted as a window around the column, marked "..." where cut.
  int column = loc.column;
  std::string_view before, after;
  if (line.size() > k_quoted_line_bytes) {
    const size_t at = column > 0 ? static_cast<size_t>(column - 1) : 0;
    const size_t from = at > k_quoted_line_bytes / 2 ? at - k_quoted_line_bytes / 2 : 0;
    const size_t length = std::min(line.size() - from, k_quoted_line_bytes);
    if (from > 0) before = "...";
    if (from + length < line.size()) after = "...";
    line = line.substr(from, length);
    if (column > 0) column = column - static_cast<int>(from) + static_cast<int>(before.size());
  }
  out += "  ";
  out += before;
  out += line;
  out += after;
  out += '\n';
  if (column > 0) {
    out += "  ";
    // Keep tabs so the caret lines up under tab-indented text.
    const std::string shown = std::string(before) + std::string(line);
    for (int i = 0; i + 1 < column && i < static_cast<int>(shown.size()); ++i) {
      out += shown[static_cast<size_t>(i)] == '\t' ? '\t' : ' ';
    }
    out += "^\n";
  }
  return out;
}

}  // namespace expt
