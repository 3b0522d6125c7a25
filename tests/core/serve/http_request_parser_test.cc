#include <catch2/catch.hpp>

#include "core/serve/http_request_parser.h"

namespace expt {
namespace {

struct Fed {
  HttpRequestParser parser;
  std::string held;
  explicit Fed(const HttpLimits& limits = {}) : parser(limits) {}
  // Offers `bytes` in pieces of `piece` bytes, as a network splits them.
  Fed& feed(std::string_view bytes, size_t piece = 1) {
    for (size_t i = 0; i < bytes.size(); i += piece) {
      held.append(bytes.substr(i, piece));
      held.erase(0, parser.put(held));
    }
    return *this;
  }
  int refused() const { return parser.rejected() ? parser.rejected()->status : 0; }
};

TEST_CASE("a request parses the same whatever pieces its bytes arrive in", "[serve]") {
  const std::string text =
      "POST /v1/assign?x=1 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\n{\"ent\r\n11\r\nity_id\": \"u-7\"}  \r\n0\r\n\r\n";
  for (size_t piece : {size_t{1}, size_t{2}, size_t{3}, size_t{7}, text.size()}) {
    INFO(piece);
    Fed fed;
    fed.feed(text, piece);
    REQUIRE(fed.parser.done());
    CHECK(fed.parser.keep_alive());
    HttpRequest r = fed.parser.take();
    CHECK(r.method == "POST");
    CHECK(r.path == "/v1/assign");
    CHECK(r.header("host") == "h");
    CHECK(r.body == "{\"entity_id\": \"u-7\"}  ");
  }
}

TEST_CASE("the final chunk split after its size line still parses (Beast 1.74's over-strict assert)", "[serve]") {
  Fed fed;
  fed.feed("POST /v1/assign HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n", 64);
  CHECK_FALSE(fed.parser.done());
  fed.feed("\r", 1).feed("\n", 1);
  CHECK(fed.parser.done());
}

TEST_CASE("each limit refuses with its status as the bytes arrive", "[serve]") {
  HttpLimits limits;
  limits.max_request_line = 64;
  limits.max_header_bytes = 256;
  limits.max_header_count = 3;
  limits.max_body_bytes = 10;
  // The request line: refused before it ends.
  CHECK(Fed(limits).feed("GET /" + std::string(100, 'a')).refused() == 414);
  CHECK(Fed(limits).feed("GET /" + std::string(70, 'a') + " HTTP/1.1\r\n\r\n", 200).refused() == 414);
  // Headers: by count and by bytes.
  CHECK(Fed(limits).feed("GET / HTTP/1.1\r\na: 1\r\nb: 2\r\nc: 3\r\nd: 4\r\n\r\n").refused() == 431);
  CHECK(Fed(limits).feed("GET / HTTP/1.1\r\na: " + std::string(300, 'v') + "\r\n\r\n").refused() == 431);
  // Bodies: a declared length over the limit is refused at once, a chunked one when it crosses it.
  CHECK(Fed(limits).feed("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n").refused() == 413);
  CHECK(Fed(limits).feed("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n6\r\naaaaaa\r\n6\r\n").refused() == 413);
  Fed exact(limits);
  exact.feed("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789");
  CHECK(exact.parser.done());
}

TEST_CASE("malformed and ambiguous framing is 400", "[serve]") {
  for (const std::string text : {"GET / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
                                 "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                                 "GET / HTTP/9.9\r\n\r\n", "GET\r\n\r\n", "\x16\x03\x01\x02\x00\r\n\r\n",
                                 "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n"}) {
    INFO(text);
    CHECK(Fed().feed(text, 4).refused() == 400);
  }
}

TEST_CASE("keep-alive follows the version and Connection, and Expect: 100-continue is seen", "[serve]") {
  Fed old;
  old.feed("GET / HTTP/1.0\r\n\r\n");
  CHECK_FALSE(old.parser.keep_alive());
  Fed closing;
  closing.feed("GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
  CHECK_FALSE(closing.parser.keep_alive());
  Fed waiting;
  waiting.feed("POST / HTTP/1.1\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  CHECK(waiting.parser.wants_continue());
  waiting.feed("abcd");
  CHECK(waiting.parser.done());
  CHECK_FALSE(waiting.parser.wants_continue());
}

TEST_CASE("a connection closed mid-request is refused, an idle one is not", "[serve]") {
  Fed half;
  half.feed("GET / HTTP/1.1\r\nHo");
  half.parser.put_eof();
  CHECK(half.refused() == 400);
  Fed idle;
  idle.parser.put_eof();
  CHECK(idle.refused() == 0);
}

}  // namespace
}  // namespace expt
