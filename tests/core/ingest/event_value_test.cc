#include <charconv>
#include <cmath>
#include <cstring>
#include <random>
#include <string>

#include <catch2/catch.hpp>

#include "core/ingest/event_value.h"

namespace expt {
namespace {

// What the reader did before the fast path: std::from_chars over all of it, "+" skipped, finite.
std::optional<double> reference(std::string_view text) {
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (begin != end && *begin == '+') ++begin;
  double v = 0;
  auto [ptr, ec] = std::from_chars(begin, end, v);
  if (ec != std::errc() || ptr != end || !std::isfinite(v)) return std::nullopt;
  return v;
}

void require_same(const std::string& text) {
  INFO("'" << text << "'");
  const std::optional<double> expected = reference(text);
  const std::optional<double> got = parse_event_value(text);
  REQUIRE(got.has_value() == expected.has_value());
  if (got) CHECK(std::memcmp(&*got, &*expected, sizeof(double)) == 0);  // the same bits, -0 included
}

TEST_CASE("event values read by the fast path equal std::from_chars's, bit for bit", "[ingest][value]") {
  for (const char* text : {"0", "-0", "+0", "1", "-1", "844.2", "31.5", "0.1", "0.125", "-3.75", "5.", ".5", "-.5", "+-5", "-",
                           "+", ".", "", "1e3", "1E-2", "inf", "nan", "1.2.3", "1,5", " 1", "1 ", "999999999999999",
                           "9999999999999999", "0.000000000000001", "123456789.012345", "1234567890.123456", "1e400"}) {
    require_same(text);
  }
  std::mt19937_64 random(11);
  const std::string alphabet = "0123456789.-+eE";
  for (int i = 0; i < 300'000; ++i) {
    std::string s;
    const size_t length = 1 + random() % 20;
    const bool decimal = random() % 3 != 0;  // mostly [-]digits[.digits]
    if (decimal) {
      if (random() % 4 == 0) s += random() % 2 ? '-' : '+';
      const size_t point = random() % (length + 2);
      for (size_t k = 0; k < length; ++k) {
        if (k == point && k > 0) s += '.';
        s += static_cast<char>('0' + random() % 10);
      }
    } else {
      for (size_t k = 0; k < length; ++k) s += alphabet[random() % alphabet.size()];
    }
    require_same(s);
  }
}

}  // namespace
}  // namespace expt
