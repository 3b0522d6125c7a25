#pragma once
// Output helpers shared by every command, so `--format` means the same everywhere: aligned
// tables for people, RFC 4180 CSV, and JSON with sorted keys.

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/csv_field.h"
#include "core/base/error.h"

namespace expt {

// A table of text cells printed with columns padded to their widest cell. Cells may hold what a
// user wrote: print() makes them printable (core/base/printable.h), except in the columns the
// caller paints itself.
class Table {
 public:
  explicit Table(std::vector<std::string> header) : m_header(std::move(header)) {}
  void add_row(std::vector<std::string> row) { m_rows.push_back(std::move(row)); }
  bool empty() const { return m_rows.empty(); }
  // The cells of `column` hold the program's own colour codes and are printed as they are.
  void mark_painted(size_t column) { m_painted.push_back(column); }
  // Writes the header and rows, two spaces between columns, no trailing spaces.
  void print(std::ostream& out) const;
  // Writes the same cells as CSV.
  void print_csv(std::ostream& out) const;

 private:
  std::vector<std::string> m_header;
  std::vector<std::vector<std::string>> m_rows;
  std::vector<size_t> m_painted;
};


// Findings (spec errors and warnings) as a JSON array of objects with severity, code, file,
// line, column, field and message: the machine-readable form of `file:line:col: error: ...`.
nlohmann::json findings_to_json(const std::vector<Error>& findings);

// Writes `value` pretty-printed (2-space indent, sorted keys as nlohmann::json keeps them) and a newline.
void print_json(std::ostream& out, const nlohmann::json& value);

}  // namespace expt
