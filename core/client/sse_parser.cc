#include "core/client/sse_parser.h"

#include <charconv>

namespace expt {

bool SseParser::feed(std::string_view bytes) {
  for (char c : bytes) {
    if (m_after_cr) {
      m_after_cr = false;
      if (c == '\n') continue;  // CRLF: the CR already ended the line
    }
    if (c == '\n' || c == '\r') {
      line(m_pending);
      m_pending.clear();
      m_after_cr = c == '\r';
      continue;
    }
    if (m_pending.size() >= k_max_line) return false;
    m_pending += c;
  }
  return true;
}

void SseParser::line(std::string_view text) {
  if (text.empty()) {  // dispatch
    if (m_has_data) {
      if (!m_data.empty() && m_data.back() == '\n') m_data.pop_back();
      m_on_event(SseEvent{m_last_id, m_event.empty() ? "message" : m_event, m_data});
    }
    m_event.clear();
    m_data.clear();
    m_has_data = false;
    return;
  }
  if (text.front() == ':') return;  // a comment: heartbeats
  const size_t colon = text.find(':');
  std::string_view field = text.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "data") {
    m_data.append(value);
    m_data += '\n';
    m_has_data = true;
  } else if (field == "event") {
    m_event = value;
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) m_last_id = value;
  } else if (field == "retry") {
    long ms = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
    if (ec == std::errc() && end == value.data() + value.size() && !value.empty()) m_retry = ms;
  }
}

}  // namespace expt
