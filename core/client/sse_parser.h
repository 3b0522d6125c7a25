#pragma once
// Server-Sent Events framing (the WHATWG event-stream format), fed in whatever pieces the socket
// delivers: lines end with LF, CRLF or CR; "field: value" lines build an event; a blank line
// dispatches it; lines starting with ':' are comments (heartbeats). Pure, so it is tested and
// fuzzed apart from any socket.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace expt {

struct SseEvent {
  std::string id;     // the last id seen on the stream (it persists across events, as specified)
  std::string event;  // "message" when not given
  std::string data;   // data lines joined with '\n'
};

class SseParser {
 public:
  // Lines longer than this are a protocol error: feed() returns false.
  static constexpr size_t k_max_line = size_t{1} << 20;

  explicit SseParser(std::function<void(const SseEvent&)> on_event) : m_on_event(std::move(on_event)) {}

  // Feeds bytes; calls on_event for every complete event. False on a line over k_max_line.
  bool feed(std::string_view bytes);

  // The retry: value the server last sent, in milliseconds.
  std::optional<long> retry_ms() const { return m_retry; }

 private:
  void line(std::string_view text);

  std::function<void(const SseEvent&)> m_on_event;
  std::string m_pending;  // an incomplete line
  bool m_after_cr = false;
  std::string m_last_id;
  std::string m_event;
  std::string m_data;
  bool m_has_data = false;
  std::optional<long> m_retry;
};

}  // namespace expt
