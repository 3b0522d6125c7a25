#include "core/ingest/csv_reader.h"

#include <sstream>

#include <catch2/catch.hpp>

#include "core/base/diagnostic.h"

namespace expt {
namespace {

std::vector<std::vector<std::string>> read_all(const std::string& text, size_t block = 1 << 20) {
  std::istringstream in(text);
  CsvReader reader(in, "x.csv", block);
  std::vector<std::string_view> fields;
  std::vector<std::vector<std::string>> rows;
  for (;;) {
    auto more = reader.next(fields);
    REQUIRE(more);
    if (!*more) break;
    rows.emplace_back(fields.begin(), fields.end());
  }
  return rows;
}

using Rows = std::vector<std::vector<std::string>>;

TEST_CASE("RFC 4180 quoting: commas, doubled quotes and newlines inside quotes", "[csv]") {
  CHECK(read_all("a,b,c\n1,\"x,y\",\"say \"\"hi\"\"\"\n\"multi\nline\",,end\n") ==
        Rows{{"a", "b", "c"}, {"1", "x,y", "say \"hi\""}, {"multi\nline", "", "end"}});
}

TEST_CASE("CRLF and LF line ends, a missing final newline, and blank lines", "[csv]") {
  CHECK(read_all("a,b\r\n1,2\r\n\r\n3,4") == Rows{{"a", "b"}, {"1", "2"}, {"3", "4"}});
  CHECK(read_all("\n\nx\n") == Rows{{"x"}});
  CHECK(read_all("").empty());
  CHECK(read_all("a,\n") == Rows{{"a", ""}});
}

TEST_CASE("records longer than a block are read whole", "[csv]") {
  std::string big(10000, 'x');
  std::string text = "id,payload\n1," + big + "\n2,\"" + big + "\n" + big + "\"\n3,z\n";
  Rows rows = read_all(text, 64);
  REQUIRE(rows.size() == 4);
  CHECK(rows[1][1] == big);
  CHECK(rows[2][1] == big + "\n" + big);
  CHECK(rows[3] == std::vector<std::string>{"3", "z"});
}

TEST_CASE("line numbers count quoted newlines, columns point at fields", "[csv]") {
  std::istringstream in("a,b\n\"1\n2\",x\nlast,yy\n");
  CsvReader reader(in, "x.csv");
  std::vector<std::string_view> f;
  REQUIRE(*reader.next(f));
  CHECK(reader.line() == 1);
  REQUIRE(*reader.next(f));
  CHECK(reader.line() == 2);
  REQUIRE(*reader.next(f));
  CHECK(reader.line() == 4);
  CHECK(reader.column(1) == 6);
}

TEST_CASE("malformed quoting is an error with file, line and column", "[csv]") {
  SECTION("text after a closing quote") {
    std::istringstream in("a,b\n\"x\"y,z\n");
    CsvReader reader(in, "events.csv");
    std::vector<std::string_view> f;
    REQUIRE(*reader.next(f));
    auto r = reader.next(f);
    REQUIRE_FALSE(r);
    CHECK(diagnostic_headline(r.error()) ==
          "events.csv:2:4: error: unexpected 'y' after a closing quote; expected ',' or end of line");
  }
  SECTION("a quote never closed") {
    std::istringstream in("a\n\"open\n");
    CsvReader reader(in, "events.csv");
    std::vector<std::string_view> f;
    REQUIRE(*reader.next(f));
    auto r = reader.next(f);
    REQUIRE_FALSE(r);
    CHECK(diagnostic_headline(r.error()) ==
          "events.csv:2:1: error: unterminated quoted field: the quote opened here is never closed");
  }
}

TEST_CASE("a quote inside an unquoted field is an ordinary character, for records and fields alike", "[csv]") {
  // Two such marks used to open a quoted section for the record scanner only, merging the lines
  // between them into one record.
  std::istringstream in("id,product\n1,TV 55\" OLED\n2,plain\n3,TV 65\" QLED\n4,last\n");
  CsvReader reader(in, "events.csv", 8);
  std::vector<std::string_view> f;
  std::vector<std::vector<std::string>> records;
  while (*reader.next(f)) records.emplace_back(f.begin(), f.end());
  CHECK(records == std::vector<std::vector<std::string>>{
                       {"id", "product"}, {"1", "TV 55\" OLED"}, {"2", "plain"}, {"3", "TV 65\" QLED"}, {"4", "last"}});
}

TEST_CASE("a UTF-8 byte order mark at the start is skipped", "[csv]") {
  std::istringstream in("\xEF\xBB\xBF" "entity_id,variant\r\nu1,a\r\n");
  CsvReader reader(in, "exposures.csv");
  std::vector<std::string_view> f;
  REQUIRE(*reader.next(f));
  CHECK(std::vector<std::string>(f.begin(), f.end()) == std::vector<std::string>{"entity_id", "variant"});
  CHECK(reader.column(0) == 1);
}

TEST_CASE("an unterminated quote is reported at its own line and column", "[csv]") {
  std::istringstream in("a,b\nx,\"ok\"\ny,\"never\nclosed,z\n");
  CsvReader reader(in, "events.csv", 4);
  std::vector<std::string_view> f;
  REQUIRE(*reader.next(f));
  REQUIRE(*reader.next(f));
  auto r = reader.next(f);
  REQUIRE_FALSE(r);
  CHECK(diagnostic_headline(r.error()) ==
        "events.csv:3:3: error: unterminated quoted field: the quote opened here is never closed");
}

TEST_CASE("quoted fields keep commas, quotes, CRLF and newlines, across buffer refills", "[csv]") {
  std::istringstream in("\"a,b\",\"say \"\"hi\"\"\",\"line1\r\nline2\"\r\n\"\",x,\r\n");
  CsvReader reader(in, "x.csv", 3);
  std::vector<std::string_view> f;
  REQUIRE(*reader.next(f));
  CHECK(std::vector<std::string>(f.begin(), f.end()) ==
        std::vector<std::string>{"a,b", "say \"hi\"", "line1\r\nline2"});
  REQUIRE(*reader.next(f));
  CHECK(std::vector<std::string>(f.begin(), f.end()) == std::vector<std::string>{"", "x", ""});
  CHECK(reader.line() == 3);
  CHECK_FALSE(*reader.next(f));
}

TEST_CASE("a record longer than the bound is an error, not unbounded memory", "[csv]") {
  std::string text = "\"" + std::string(CsvReader::k_max_record_bytes + 10, 'x');
  std::istringstream in(text);
  CsvReader reader(in, "big.csv");
  std::vector<std::string_view> f;
  auto r = reader.next(f);
  REQUIRE_FALSE(r);
  CHECK(diagnostic_headline(r.error()) ==
        "big.csv:1: error: a record longer than 16 MiB (an unclosed quote, or not a CSV file?)");
}

TEST_CASE("bytes_read counts every consumed byte", "[csv]") {
  std::string text = "a,b\r\n1,2\n";
  std::istringstream in(text);
  CsvReader reader(in, "x");
  std::vector<std::string_view> f;
  while (*reader.next(f)) {
  }
  CHECK(reader.bytes_read() == static_cast<int64_t>(text.size()));
}

}  // namespace
}  // namespace expt
