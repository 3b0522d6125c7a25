#pragma once
// An incremental HTTP/1.1 request parser under HttpLimits: bytes go in as they arrive, in any
// pieces; out comes either a complete HttpRequest or the status that refuses it (400, 413, 414,
// 431) with a reason. Built on Boost.Beast's parser (framing, chunked bodies, obsolete line
// folding, smuggling checks such as Content-Length beside Transfer-Encoding); the limits and the
// values it keeps are this project's. The connection and the fuzz harness drive the same code.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/serve/http_limits.h"
#include "core/serve/http_message.h"

namespace expt {

struct HttpRejection {
  int status = 400;
  std::string reason;
};

class HttpRequestParser {
 public:
  explicit HttpRequestParser(const HttpLimits& limits);
  ~HttpRequestParser();
  HttpRequestParser(const HttpRequestParser&) = delete;
  HttpRequestParser& operator=(const HttpRequestParser&) = delete;

  // Parses what it can of `bytes` (everything received and not yet consumed) and returns how many
  // it consumed; the caller keeps the rest and offers it again with more. Once done() or
  // rejected(), it consumes nothing.
  size_t put(std::string_view bytes);
  // The peer closed its side: a request in progress is rejected (400), none pending is not.
  void put_eof();

  bool done() const;
  const std::optional<HttpRejection>& rejected() const { return m_rejection; }
  // The complete header is in and the client waits for `100 Continue` before sending the body.
  bool wants_continue() const;
  // HTTP/1.1 without `Connection: close`, or HTTP/1.0 with `Connection: keep-alive`.
  bool keep_alive() const;
  // The request once done(); the parser is spent afterwards.
  HttpRequest take();

 private:
  class Impl;
  std::unique_ptr<Impl> m_impl;
  std::optional<HttpRejection> m_rejection;
  const HttpLimits m_limits;
};

}  // namespace expt
