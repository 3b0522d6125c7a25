#pragma once
// A streaming RFC 4180 CSV reader: quoted fields, doubled quotes, embedded newlines, CRLF or LF
// line ends. Reads in large blocks and hands out fields as views into its buffer, so memory is
// bounded by the longest record, not the file. Blank lines are skipped. Not thread-safe.

#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/error.h"

namespace expt {

class CsvReader {
 public:
  // Reads from `in` (not owned; must outlive the reader), naming it `file` in errors.
  CsvReader(std::istream& in, std::string file, size_t block_bytes = 1 << 20);

  // Reads the next record into `fields`; the views stay valid until the next call. Returns
  // false at the end of input. Errors (with file, line and column): a quote that is never
  // closed, or text after a closing quote other than a separator.
  Result<bool> next(std::vector<std::string_view>& fields);

  // The line on which the last record returned starts (1-based).
  int64_t line() const { return m_record_line; }
  // The 1-based column (byte offset in its line, plus one) where field `index` of the last record starts.
  int column(size_t index) const { return index < m_columns.size() ? m_columns[index] : 0; }
  // Bytes consumed so far.
  int64_t bytes_read() const { return m_bytes_consumed; }
  const std::string& file() const { return m_file; }

 private:
  bool fill();  // reads another block after the unconsumed tail; false at end of input
  Error error_at(int64_t line, int column, std::string message) const;

  std::istream& m_in;
  std::string m_file;
  size_t m_block;
  std::vector<char> m_buffer;
  size_t m_begin = 0;  // first unconsumed byte
  size_t m_end = 0;    // one past the last valid byte
  bool m_eof = false;
  int64_t m_next_line = 1;
  int64_t m_record_line = 0;
  int64_t m_bytes_consumed = 0;
  std::vector<int> m_columns;
};

}  // namespace expt
