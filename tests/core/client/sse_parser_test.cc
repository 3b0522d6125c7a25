#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/client/sse_parser.h"

namespace expt {
namespace {

std::vector<SseEvent> parse_in_pieces(const std::string& text, size_t piece) {
  std::vector<SseEvent> events;
  SseParser parser([&](const SseEvent& e) { events.push_back(e); });
  for (size_t at = 0; at < text.size(); at += piece) REQUIRE(parser.feed(text.substr(at, piece)));
  return events;
}

TEST_CASE("events are dispatched at blank lines whatever pieces the bytes arrive in", "[sse]") {
  const std::string stream =
      "retry: 3000\n\nid: 3\nevent: bundle\ndata: {\"version\":3}\n\n: heartbeat\n\nid: 4\r\nevent: bundle\r\n"
      "data: {\"version\":4}\r\n\r\n";
  for (size_t piece : {1, 2, 7, 1000}) {
    INFO("piece " << piece);
    auto events = parse_in_pieces(stream, piece);
    REQUIRE(events.size() == 2);
    CHECK(events[0].id == "3");
    CHECK(events[0].event == "bundle");
    CHECK(events[0].data == "{\"version\":3}");
    CHECK(events[1].id == "4");
    CHECK(events[1].data == "{\"version\":4}");
  }
}

TEST_CASE("data lines join with newlines; the id persists; a bare CR ends a line", "[sse]") {
  auto events = parse_in_pieces("id: 9\rdata: a\rdata:b\r\rdata: c\n\n", 3);
  REQUIRE(events.size() == 2);
  CHECK(events[0].data == "a\nb");
  CHECK(events[0].event == "message");
  CHECK(events[1].id == "9");
  CHECK(events[1].data == "c");
}

TEST_CASE("comments, unknown fields and events without data dispatch nothing; retry is read", "[sse]") {
  std::vector<SseEvent> events;
  SseParser parser([&](const SseEvent& e) { events.push_back(e); });
  CHECK(parser.feed(": only a comment\n\nevent: bundle\n\nfoo: bar\n\nretry: 2500\n\n"));
  CHECK(events.empty());
  CHECK(parser.retry_ms() == 2500);
}

TEST_CASE("a line longer than the bound is refused", "[sse][limits]") {
  SseParser parser([](const SseEvent&) {});
  CHECK_FALSE(parser.feed(std::string(SseParser::k_max_line + 1, 'x')));
}

}  // namespace
}  // namespace expt
