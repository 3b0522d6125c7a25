#include "core/ingest/csv_reader.h"

#include <cstring>

#include <fmt/format.h>

namespace expt {

CsvReader::CsvReader(std::istream& in, std::string file, size_t block_bytes)
    : m_in(in), m_file(std::move(file)), m_block(block_bytes), m_buffer(block_bytes) {}

Error CsvReader::error_at(int64_t line, int column, std::string message) const {
  return Error::invalid(std::move(message), SourceLocation{m_file, static_cast<int>(line), column});
}

bool CsvReader::fill() {
  if (m_eof) return false;
  // Move the unconsumed tail to the front, then grow if the tail fills most of the buffer (a
  // record longer than a block).
  size_t tail = m_end - m_begin;
  if (m_begin > 0 && tail > 0) std::memmove(m_buffer.data(), m_buffer.data() + m_begin, tail);
  m_begin = 0;
  m_end = tail;
  if (m_buffer.size() - m_end < m_block / 2) m_buffer.resize(m_buffer.size() + m_block);
  m_in.read(m_buffer.data() + m_end, static_cast<std::streamsize>(m_buffer.size() - m_end));
  std::streamsize got = m_in.gcount();
  if (got <= 0) {
    m_eof = true;
    return false;
  }
  m_end += static_cast<size_t>(got);
  return true;
}

Result<bool> CsvReader::next(std::vector<std::string_view>& fields) {
  fields.clear();
  m_columns.clear();
  for (;;) {
    // Find the end of the record: the first LF outside quotes.
    size_t scan = m_begin;
    bool in_quotes = false;
    size_t record_end = std::string::npos;
    while (scan < m_end) {
      const char* p = m_buffer.data() + scan;
      if (!in_quotes) {
        // Fast path: jump to the next quote or newline.
        const void* nl = std::memchr(p, '\n', m_end - scan);
        size_t limit = nl ? static_cast<size_t>(static_cast<const char*>(nl) - m_buffer.data()) : m_end;
        const void* q = std::memchr(p, '"', limit - scan);
        if (q == nullptr) {
          if (nl) record_end = limit;
          scan = limit;
          break;
        }
        scan = static_cast<size_t>(static_cast<const char*>(q) - m_buffer.data()) + 1;
        in_quotes = true;
      } else {
        const void* q = std::memchr(p, '"', m_end - scan);
        if (q == nullptr) {
          scan = m_end;
          break;
        }
        scan = static_cast<size_t>(static_cast<const char*>(q) - m_buffer.data()) + 1;
        in_quotes = false;  // a doubled quote re-enters quotes on the next iteration
      }
    }
    if (record_end == std::string::npos) {
      if (fill()) continue;
      if (m_begin >= m_end) return false;
      if (in_quotes) {
        return error_at(m_next_line, 0, "unterminated quoted field: a quote opened here is never closed");
      }
      record_end = m_end;  // last record without a trailing newline
    }

    char* record = m_buffer.data() + m_begin;
    size_t length = record_end - m_begin;
    const size_t consumed = length + (record_end < m_end ? 1 : 0);
    if (length > 0 && record[length - 1] == '\r') --length;
    m_record_line = m_next_line;
    const int64_t record_start_line = m_next_line;
    // Count lines inside the record (quoted newlines) plus the terminating one.
    for (size_t i = 0; i < length; ++i) m_next_line += record[i] == '\n' ? 1 : 0;
    m_next_line += 1;
    m_begin += consumed;
    m_bytes_consumed += static_cast<int64_t>(consumed);
    if (length == 0) continue;  // blank line

    // Split into fields, unquoting in place (the unquoted text is never longer).
    size_t i = 0;
    int line_start = 0;  // offset of the current line's first byte, for columns
    int64_t line = record_start_line;
    for (;;) {
      m_columns.push_back(static_cast<int>(i) - line_start + 1);
      if (i < length && record[i] == '"') {
        size_t read = i + 1;
        size_t write = i;
        char* start = record + i;
        for (;;) {
          if (read >= length) {
            return error_at(line, static_cast<int>(i) - line_start + 1, "unterminated quoted field");
          }
          char c = record[read];
          if (c == '"') {
            if (read + 1 < length && record[read + 1] == '"') {
              record[write++] = '"';
              read += 2;
              continue;
            }
            ++read;
            break;
          }
          if (c == '\n') {
            ++line;
            line_start = static_cast<int>(read) + 1;
          }
          record[write++] = c;
          ++read;
        }
        fields.emplace_back(start, write - i);
        if (read == length) break;
        if (record[read] != ',') {
          return error_at(line, static_cast<int>(read) - line_start + 1,
                          fmt::format("unexpected '{}' after a closing quote; expected ',' or end of line",
                                      record[read]));
        }
        i = read + 1;
      } else {
        const void* comma = std::memchr(record + i, ',', length - i);
        size_t stop = comma ? static_cast<size_t>(static_cast<const char*>(comma) - record) : length;
        fields.emplace_back(record + i, stop - i);
        if (stop == length) break;
        i = stop + 1;
      }
    }
    return true;
  }
}

}  // namespace expt
