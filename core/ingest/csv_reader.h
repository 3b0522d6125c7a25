#pragma once
// A streaming RFC 4180 CSV reader: quoted fields, doubled quotes, embedded newlines, CRLF or LF
// line ends, a UTF-8 byte order mark skipped. Reads in large blocks and hands out fields as views
// into its buffer, so memory is bounded by the longest record, not the file. Blank lines are
// skipped. Where it differs from Python's csv module: docs/analysis.md. Not thread-safe.

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/error.h"

namespace expt {

class CsvReader {
 public:
  // The longest record read, quoted newlines included: longer ones are an error, which bounds
  // memory to about this plus one block.
  static constexpr size_t k_max_record_bytes = size_t{16} << 20;

  // Reads from `in` (not owned; must outlive the reader), naming it `file` in errors.
  CsvReader(std::istream& in, std::string file, size_t block_bytes = 1 << 20);

  // Reads the next record into `fields`; the views stay valid until the next call. Returns
  // false at the end of input. Errors (with file, line and column): a quote that is never
  // closed (at the quote), or text after a closing quote other than a separator.
  Result<bool> next(std::vector<std::string_view>& fields);

  // The line on which the last record returned starts (1-based).
  int64_t line() const { return m_record_line; }
  // The 1-based column (byte offset in its line, plus one) where field `index` of the last record starts.
  int column(size_t index) const { return index < m_columns.size() ? m_columns[index] : 0; }
  // Bytes consumed so far.
  int64_t bytes_read() const { return m_bytes_consumed; }
  const std::string& file() const { return m_file; }

 private:
  struct Span {  // one field of a record with quotes, as byte offsets into m_buffer
    size_t begin = 0;
    size_t end = 0;  // a quoted field's span includes its quotes
    bool quoted = false;
    int column = 0;
  };
  struct Scan {
    bool complete = false;  // the record ends within the buffer (or at the end of input)
    size_t end = 0;         // offset of the newline ending the record, or m_end
    std::optional<Error> error;
  };

  bool fill();  // reads another block after the unconsumed tail; false at end of input
  Error error_at(int64_t line, int column, std::string message) const;
  // Parses the record starting at `from` by the quoting rules into m_spans, without changing the
  // buffer, so an incomplete record can be scanned again after fill().
  Scan scan_quoted(size_t from, bool at_eof);
  // The fast path for records without quotes: one pass from `from` that finds the record's end
  // and its commas (into m_commas) together, 16 bytes at a time where SSE2 exists.
  enum class Plain { record, quoted, incomplete };  // record: `end` is the newline
  Plain scan_plain(size_t from, size_t& end);
  static std::string describe_byte(char c);
  std::optional<Error> check_record_size() const;  // the unconsumed tail within k_max_record_bytes

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
  std::vector<Span> m_spans;
  std::vector<size_t> m_commas;
  bool m_bom_checked = false;
};

}  // namespace expt
