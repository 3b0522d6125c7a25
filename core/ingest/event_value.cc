#include "core/ingest/event_value.h"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace expt {

namespace {

std::optional<double> parse_general(const char* begin, const char* end) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(begin, end, v);
  if (ec != std::errc() || ptr != end || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace

std::optional<double> parse_event_value(std::string_view text) {
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (begin != end && *begin == '+') ++begin;
  // Clinger's fast path: digits, at most one '.', with a digit on each side of it.
  const char* p = begin;
  const bool negative = p != end && *p == '-';
  if (negative) ++p;
  uint64_t mantissa = 0;
  int digits = 0, fraction = 0;
  bool point = false;
  const char* first_digit = p;
  for (; p != end; ++p) {
    const auto digit = static_cast<unsigned>(*p - '0');
    if (digit <= 9) {
      mantissa = mantissa * 10 + digit;
      ++digits;
      if (point) ++fraction;
    } else if (*p == '.' && !point && p != first_digit) {
      point = true;
    } else {
      return parse_general(begin, end);  // an exponent, a letter, a second point: the general reader
    }
  }
  if (digits == 0 || digits > 15 || (point && fraction == 0)) return parse_general(begin, end);
  static constexpr double k_powers[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const double value = static_cast<double>(mantissa) / k_powers[fraction];
  return negative ? -value : value;
}

}  // namespace expt
