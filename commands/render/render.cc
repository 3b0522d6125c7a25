#include "commands/render/render.h"

#include <algorithm>

#include "core/base/printable.h"

namespace expt {

namespace {
// Columns are padded by code points, so UTF-8 cells line up in a terminal; ANSI colour escapes
// (ESC [ ... m) take no width.
size_t display_width(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\033' && i + 1 < s.size() && s[i + 1] == '[') {
      while (i < s.size() && s[i] != 'm') ++i;
      continue;
    }
    n += (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 ? 1 : 0;
  }
  return n;
}
}  // namespace

void Table::print(std::ostream& out) const {
  auto shown = [this](const std::vector<std::string>& row) {
    std::vector<std::string> cells;
    for (size_t i = 0; i < row.size(); ++i) {
      const bool painted = std::find(m_painted.begin(), m_painted.end(), i) != m_painted.end();
      cells.push_back(painted ? row[i] : printable(row[i]));
    }
    return cells;
  };
  const std::vector<std::string> header = shown(m_header);
  std::vector<std::vector<std::string>> rows;
  for (const auto& row : m_rows) rows.push_back(shown(row));
  std::vector<size_t> widths(header.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(row[i]));
    }
  };
  measure(header);
  for (const auto& row : rows) measure(row);
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line.append(widths[i] - display_width(row[i]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  };
  print_row(header);
  for (const auto& row : rows) print_row(row);
}

void Table::print_csv(std::ostream& out) const {
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) line += ',';
      append_csv_field(line, row[i]);
    }
    out << line << '\n';
  };
  print_row(m_header);
  for (const auto& row : m_rows) print_row(row);
}

nlohmann::json findings_to_json(const std::vector<Error>& findings) {
  nlohmann::json out = nlohmann::json::array();
  for (const Error& e : findings) {
    out.push_back({{"severity", e.severity == Severity::warning ? "warning" : "error"},
                   {"code", e.code},
                   {"file", e.location.file},
                   {"line", e.location.line},
                   {"column", e.location.column},
                   {"field", e.field},
                   {"message", e.message}});
  }
  return out;
}

void print_json(std::ostream& out, const nlohmann::json& value) {
  out << value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace expt
