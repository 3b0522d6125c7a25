#include "core/base/timestamp.h"

#include <charconv>
#include <random>
#include <string>

#include <catch2/catch.hpp>

namespace expt {
namespace {

TEST_CASE("ISO-8601 timestamps with any offset parse to UTC milliseconds", "[timestamp]") {
  CHECK(parse_timestamp_ms("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_timestamp_ms("2026-11-23T12:00:00Z") == 1795435200000);
  CHECK(parse_timestamp_ms("2026-11-23T13:30:00+01:30") == 1795435200000);
  CHECK(parse_timestamp_ms("2026-11-23T07:00:00-0500") == 1795435200000);
  CHECK(parse_timestamp_ms("2026-11-23 12:00:00") == 1795435200000);
  CHECK(parse_timestamp_ms("2026-11-23T12:00:00.250Z") == 1795435200250);
  CHECK(parse_timestamp_ms("2026-11-23T12:00:00.123456Z") == 1795435200123);
  CHECK(parse_timestamp_ms("2026-11-23") == 1795392000000);
  CHECK(parse_timestamp_ms("2024-02-29T00:00:00Z").has_value());
}

TEST_CASE("epoch numbers are seconds below 12 digits and milliseconds from 12", "[timestamp]") {
  CHECK(parse_timestamp_ms("1795435200") == 1795435200000);
  CHECK(parse_timestamp_ms("1795435200000") == 1795435200000);
  CHECK(parse_timestamp_ms("0") == 0);
}

TEST_CASE("impossible or malformed timestamps are rejected", "[timestamp]") {
  for (const char* bad : {"", "2026-02-30T00:00:00Z", "2023-02-29", "2026-13-01", "2026-11-23T24:00:00Z",
                          "2026-11-23T12:00:00X", "2026-11-23T12", "yesterday", "12:00", "1.5",
                          "2026-11-23T12:00:00Zjunk", "2026-11-23T12:00:00+05:", "2026-11-23T12:00:00+05:3",
                          "2026-11-23T12:00:00+0", "2026-11-23T12:00:00+05:30x"}) {
    INFO(bad);
    CHECK_FALSE(parse_timestamp_ms(bad).has_value());
  }
}

TEST_CASE("UTC formatting round-trips", "[timestamp]") {
  CHECK(format_utc(1795435200000) == "2026-11-23T12:00:00Z");
  CHECK(format_utc(1795435200250) == "2026-11-23T12:00:00.250Z");
  CHECK(format_utc(-1000) == "1969-12-31T23:59:59Z");
  for (int64_t ms : {int64_t{0}, int64_t{951782400000}, int64_t{1795435200999}}) {
    CHECK(parse_timestamp_ms(format_utc(ms)) == ms);
  }
}

}  // namespace
}  // namespace expt

namespace expt {
namespace {

TEST_CASE("epoch numbers read by the digit loop equal std::from_chars's reading, up to overflow", "[timestamp]") {
  std::mt19937_64 random(3);
  const std::string alphabet = "0123456789-+ .e";
  for (int i = 0; i < 200'000; ++i) {
    std::string s;
    const size_t length = 1 + random() % 21;
    const bool clean = random() % 4 != 0;  // mostly digits, with or without a sign
    if (clean && random() % 3 == 0) s += '-';
    while (s.size() < length) s += clean ? static_cast<char>('0' + random() % 10) : alphabet[random() % alphabet.size()];
    if (s.size() >= 10 && s[4] == '-') continue;  // an ISO date's shape: another parser
    int64_t value = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    std::optional<int64_t> expected;
    if (ec == std::errc() && end == s.data() + s.size()) {
      const size_t digits = s.size() - (s[0] == '-' ? 1 : 0);
      expected = digits >= 12 ? value : value * 1000;
    }
    INFO(s);
    CHECK(parse_timestamp_ms(s) == expected);
  }
}

}  // namespace
}  // namespace expt
