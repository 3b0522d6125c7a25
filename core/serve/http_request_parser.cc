// Beast 1.74's chunk parser asserts `n >= 5` where 3 bytes are valid ("0\r\n" and then the final
// CRLF in a later piece; boostorg/beast#2861, fixed in 1.86). The code after it is right, and
// release builds (NDEBUG) never had the assert; this file is built like them in every build, and
// outside the unity batch so the setting reaches nothing else.
#define BOOST_DISABLE_ASSERTS 1

#include "core/serve/http_request_parser.h"

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>

namespace expt {

namespace {

namespace http = boost::beast::http;
using boost::beast::error_code;

}  // namespace

// Beast calls these as it recognises the parts of a request; each checks its limit before it
// keeps anything.
class HttpRequestParser::Impl : public http::basic_parser<true> {
 public:
  explicit Impl(const HttpLimits& limits) : m_limits(limits) {
    header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    body_limit(limits.max_body_bytes);
    eager(true);
  }

  HttpRequest request;
  std::optional<HttpRejection> refusal;
  bool expect_continue = false;

 private:
  void refuse(int status, std::string reason, error_code& ec, http::error code) {
    refusal = HttpRejection{status, std::move(reason)};
    ec = code;
  }

  void on_request_impl(http::verb, boost::beast::string_view method, boost::beast::string_view target, int,
                       error_code& ec) override {
    if (target.size() + method.size() + 10 > m_limits.max_request_line) {
      return refuse(414, "the request line is longer than " + std::to_string(m_limits.max_request_line) + " bytes", ec,
                    http::error::bad_target);
    }
    request.method.assign(method.data(), method.size());
    std::string_view t(target.data(), target.size());
    request.path = std::string(t.substr(0, t.find('?')));
  }

  void on_response_impl(int, boost::beast::string_view, int, error_code& ec) override { ec = http::error::bad_version; }

  void on_field_impl(http::field field, boost::beast::string_view name, boost::beast::string_view value,
                     error_code& ec) override {
    if (request.headers.size() >= m_limits.max_header_count) {
      return refuse(431, "more than " + std::to_string(m_limits.max_header_count) + " headers", ec,
                    http::error::header_limit);
    }
    request.headers.emplace_back(std::string(name.data(), name.size()), std::string(value.data(), value.size()));
    if (field == http::field::expect && boost::beast::iequals(value, "100-continue")) {
      expect_continue = true;
    }
  }

  void on_header_impl(error_code&) override {}

  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code& ec) override {
    if (length && *length > m_limits.max_body_bytes) return too_large(ec);
    if (length) request.body.reserve(static_cast<size_t>(*length));
  }

  size_t on_body_impl(boost::beast::string_view body, error_code& ec) override { return append(body, ec); }

  void on_chunk_header_impl(std::uint64_t size, boost::beast::string_view, error_code& ec) override {
    if (size > m_limits.max_body_bytes - request.body.size()) too_large(ec);
  }

  size_t on_chunk_body_impl(std::uint64_t, boost::beast::string_view body, error_code& ec) override {
    return append(body, ec);
  }

  void on_finish_impl(error_code&) override {}

  size_t append(boost::beast::string_view piece, error_code& ec) {
    if (piece.size() > m_limits.max_body_bytes - request.body.size()) {
      too_large(ec);
      return 0;
    }
    request.body.append(piece.data(), piece.size());
    return piece.size();
  }

  void too_large(error_code& ec) {
    refuse(413, "the request body is larger than " + std::to_string(m_limits.max_body_bytes) + " bytes", ec,
           http::error::body_limit);
  }

  const HttpLimits& m_limits;
};

HttpRequestParser::HttpRequestParser(const HttpLimits& limits) : m_limits(limits) {
  m_impl = std::make_unique<Impl>(m_limits);
}

HttpRequestParser::~HttpRequestParser() = default;

size_t HttpRequestParser::put(std::string_view bytes) {
  size_t consumed = 0;
  while (!m_rejection && !m_impl->is_done()) {
    std::string_view rest = bytes.substr(consumed);
    // Beast takes the request line once it is whole; until then the bytes held are all of it.
    const bool in_request_line = m_impl->request.method.empty();
    if (in_request_line && rest.substr(0, m_limits.max_request_line + 2).find('\n') == std::string_view::npos &&
        rest.size() > m_limits.max_request_line + 2) {
      m_rejection = HttpRejection{414, "the request line is longer than " + std::to_string(m_limits.max_request_line) + " bytes"};
      break;
    }
    if (rest.empty()) break;
    error_code ec;
    const size_t n = m_impl->put(boost::asio::const_buffer(rest.data(), rest.size()), ec);
    consumed += n;
    if (ec == http::error::need_more) break;
    if (ec) {
      if (m_impl->refusal) {
        m_rejection = m_impl->refusal;
      } else if (ec == http::error::header_limit) {
        const bool line_ended = !m_impl->request.method.empty() ||
                                rest.substr(0, m_limits.max_request_line + 2).find('\n') != std::string_view::npos;
        m_rejection = line_ended ? HttpRejection{431, "the headers are larger than " + std::to_string(m_limits.max_header_bytes) + " bytes"}
                                 : HttpRejection{414, "the request line is longer than " + std::to_string(m_limits.max_request_line) + " bytes"};
      } else if (ec == http::error::body_limit) {
        m_rejection = HttpRejection{413, "the request body is larger than " + std::to_string(m_limits.max_body_bytes) + " bytes"};
      } else {
        m_rejection = HttpRejection{400, "malformed request: " + ec.message()};
      }
      break;
    }
    if (n == 0) break;
  }
  return consumed;
}

void HttpRequestParser::put_eof() {
  if (m_rejection || m_impl->is_done() || !m_impl->got_some()) return;
  m_rejection = HttpRejection{400, "the connection closed in the middle of a request"};
}

bool HttpRequestParser::done() const { return !m_rejection && m_impl->is_done(); }

bool HttpRequestParser::wants_continue() const {
  return !m_rejection && m_impl->is_header_done() && !m_impl->is_done() && m_impl->expect_continue;
}

bool HttpRequestParser::keep_alive() const { return m_impl->is_header_done() && m_impl->keep_alive(); }

HttpRequest HttpRequestParser::take() { return std::move(m_impl->request); }

}  // namespace expt
