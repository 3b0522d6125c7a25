#include "core/ingest/csv_reader.h"

#include <cstdio>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

namespace {

bool has_bom(const char* p, size_t n) {
  return n >= 3 && static_cast<unsigned char>(p[0]) == 0xEF && static_cast<unsigned char>(p[1]) == 0xBB &&
         static_cast<unsigned char>(p[2]) == 0xBF;
}

}  // namespace

// The one definition of a record and its fields. A quote opens a quoted field only as the first
// byte of a field; elsewhere it is an ordinary byte (`TV 55" OLED`). Inside a quoted field a
// doubled quote is a quote, and commas and newlines are data. After the closing quote comes a
// comma or the end of the record. A record ends at the first newline outside a quoted field; a
// carriage return right before that newline is dropped. Records without a quote take the fast
// path below, which is this same rule with no quoted fields.
CsvReader::Scan CsvReader::scan_quoted(size_t from, bool at_eof) {
  Scan scan;
  m_spans.clear();
  const char* p = m_buffer.data();
  enum class State { field_start, unquoted, quoted, after_quote } state = State::field_start;
  size_t field_start = from;
  int64_t line = m_next_line;
  size_t line_start = from;
  int64_t quote_line = line;
  size_t quote_at = from;
  auto emit = [&](size_t end, bool quoted) {
    m_spans.push_back(Span{field_start, end, quoted, static_cast<int>(field_start - line_start) + 1});
  };
  size_t i = from;
  for (; i < m_end; ++i) {
    const char c = p[i];
    switch (state) {
      case State::field_start:
        if (c == '"') {
          state = State::quoted;
          quote_line = line;
          quote_at = i;
          break;
        }
        state = State::unquoted;
        [[fallthrough]];
      case State::unquoted:
        if (c == ',') {
          emit(i, false);
          field_start = i + 1;
          state = State::field_start;
        } else if (c == '\n') {
          emit(i > field_start && p[i - 1] == '\r' ? i - 1 : i, false);
          scan.end = i;
          scan.complete = true;
          return scan;
        }
        break;
      case State::quoted:
        if (c == '"') {
          state = State::after_quote;
        } else if (c == '\n') {
          ++line;
          line_start = i + 1;
        }
        break;
      case State::after_quote:
        if (c == '"') {
          state = State::quoted;  // a doubled quote
        } else if (c == ',') {
          emit(i, true);
          field_start = i + 1;
          state = State::field_start;
        } else if (c == '\n') {
          emit(i, true);
          scan.end = i;
          scan.complete = true;
          return scan;
        } else if (c == '\r' && i + 1 == m_end) {
          if (!at_eof) return scan;  // need the next byte to tell CRLF from a stray CR
          emit(i, true);
          scan.end = m_end;
          scan.complete = true;
          return scan;
        } else if (c == '\r' && p[i + 1] == '\n') {
          emit(i, true);
          scan.end = i + 1;
          scan.complete = true;
          return scan;
        } else {
          scan.error = error_at(line, static_cast<int>(i - line_start) + 1,
                                "unexpected " + describe_byte(c) + " after a closing quote; expected ',' or end of line");
          return scan;
        }
        break;
    }
  }
  if (!at_eof) return scan;  // the record goes on past the buffer
  if (state == State::quoted) {
    size_t quote_line_begin = quote_at;
    while (quote_line_begin > from && p[quote_line_begin - 1] != '\n') --quote_line_begin;
    scan.error = error_at(quote_line, static_cast<int>(quote_at - quote_line_begin) + 1,
                          "unterminated quoted field: the quote opened here is never closed");
    return scan;
  }
  emit(state == State::unquoted && i > field_start && p[i - 1] == '\r' ? i - 1 : i, state == State::after_quote);
  scan.end = m_end;
  scan.complete = true;
  return scan;
}

CsvReader::Plain CsvReader::scan_plain(size_t from, size_t& end) {
  m_commas.clear();
  const char* p = m_buffer.data();
  size_t i = from;
  // One byte decides: a comma ends a field, a newline the record, a quote sends the record to
  // scan_quoted. Three memchr calls per record and one per field cost more than the scan.
  auto decide = [&](size_t at) {
    const char c = p[at];
    if (c == ',') {
      m_commas.push_back(at);
      return false;
    }
    return true;  // a newline or a quote
  };
#if defined(__SSE2__)
  const __m128i comma = _mm_set1_epi8(','), newline = _mm_set1_epi8('\n'), quote = _mm_set1_epi8('"');
  for (; i + 16 <= m_end; i += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(bytes, comma), _mm_cmpeq_epi8(bytes, newline)), _mm_cmpeq_epi8(bytes, quote))));
    for (; mask != 0; mask &= mask - 1) {
      const size_t at = i + static_cast<size_t>(__builtin_ctz(mask));
      if (decide(at)) {
        end = at;
        return p[at] == '\n' ? Plain::record : Plain::quoted;
      }
    }
  }
#endif
  for (; i < m_end; ++i) {
    if ((p[i] == ',' || p[i] == '\n' || p[i] == '"') && decide(i)) {
      end = i;
      return p[i] == '\n' ? Plain::record : Plain::quoted;
    }
  }
  return Plain::incomplete;
}

std::optional<Error> CsvReader::check_record_size() const {
  if (m_end - m_begin < k_max_record_bytes) return std::nullopt;
  return error_at(m_next_line, 0,
                  "a record longer than " + std::to_string(k_max_record_bytes >> 20) +
                      " MiB (an unclosed quote, or not a CSV file?)");
}

std::string CsvReader::describe_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7F) return std::string("'") + c + "'";
  char text[8];
  std::snprintf(text, sizeof text, "0x%02X", u);
  return std::string("byte ") + text;
}

Result<bool> CsvReader::next(std::vector<std::string_view>& fields) {
  fields.clear();
  m_columns.clear();
  for (;;) {
    if (m_begin >= m_end && !fill()) return false;
    if (!m_bom_checked) {
      while (m_end - m_begin < 3 && fill()) {
      }
      m_bom_checked = true;
      if (has_bom(m_buffer.data() + m_begin, m_end - m_begin)) {
        m_begin += 3;
        m_bytes_consumed += 3;
        continue;
      }
    }
    char* base = m_buffer.data();
    size_t record_end = m_end;
    const Plain plain = scan_plain(m_begin, record_end);
    if (plain == Plain::incomplete && !m_eof) {
      if (auto too_long = check_record_size()) return std::move(*too_long);
      fill();  // the record may go on past this buffer; read on before deciding
      continue;
    }
    if (plain == Plain::incomplete) record_end = m_end;  // the last record, without a newline
    const bool quoted = plain == Plain::quoted;
    if (quoted) {
      Scan scan = scan_quoted(m_begin, m_eof);
      if (scan.error) return std::move(*scan.error);
      if (!scan.complete) {
        if (auto too_long = check_record_size()) return std::move(*too_long);
        if (!fill()) {
          // fill() found the end of input: scan once more knowing there is no more.
          scan = scan_quoted(m_begin, true);
          if (scan.error) return std::move(*scan.error);
        } else {
          continue;
        }
      }
      record_end = scan.end;
      base = m_buffer.data();
    }

    const size_t consumed = record_end - m_begin + (record_end < m_end ? 1 : 0);
    m_record_line = m_next_line;
    if (quoted) {  // quoted fields may hold newlines
      for (size_t i = m_begin; i < record_end; ++i) m_next_line += base[i] == '\n' ? 1 : 0;
    }
    m_next_line += 1;
    const size_t record_begin = m_begin;
    m_begin += consumed;
    m_bytes_consumed += static_cast<int64_t>(consumed);

    if (!quoted) {
      size_t length = record_end - record_begin;
      const char* record = base + record_begin;
      if (length > 0 && record[length - 1] == '\r') --length;
      if (length == 0) continue;  // blank line
      size_t field = 0;
      for (size_t comma : m_commas) {
        m_columns.push_back(static_cast<int>(field) + 1);
        fields.emplace_back(record + field, comma - record_begin - field);
        field = comma - record_begin + 1;
      }
      m_columns.push_back(static_cast<int>(field) + 1);
      fields.emplace_back(record + field, length - field);
      return true;
    }

    // Unquote the quoted fields in place: the text between the quotes, doubled quotes halved.
    for (const Span& span : m_spans) {
      m_columns.push_back(span.column);
      if (!span.quoted) {
        fields.emplace_back(base + span.begin, span.end - span.begin);
        continue;
      }
      char* out = base + span.begin;
      size_t write = 0;
      for (size_t r = span.begin + 1; r + 1 < span.end; ++r) {
        out[write++] = base[r];
        if (base[r] == '"') ++r;  // the second of a doubled quote
      }
      fields.emplace_back(out, write);
    }
    return true;
  }
}

}  // namespace expt
