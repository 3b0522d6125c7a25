#include "core/base/timestamp.h"

#include <chrono>
#include <charconv>

#include <cstdio>

namespace expt {

namespace {

// Reads exactly `width` digits at `pos`, advancing it.
bool read_digits(std::string_view s, size_t& pos, size_t width, int& out) {
  if (pos + width > s.size()) return false;
  int value = 0;
  for (size_t i = 0; i < width; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += width;
  out = value;
  return true;
}

std::optional<int64_t> parse_epoch(std::string_view s) {
  const bool negative = s[0] == '-';
  const size_t digits = s.size() - (negative ? 1 : 0);
  int64_t value = 0;
  if (digits > 0 && digits <= 18) {
    // Up to 18 digits cannot overflow: a plain loop, without from_chars's checks per digit (this
    // runs once per event row).
    for (size_t i = negative ? 1 : 0; i < s.size(); ++i) {
      const auto digit = static_cast<unsigned>(s[i] - '0');
      if (digit > 9) return std::nullopt;
      value = value * 10 + digit;
    }
    if (negative) value = -value;
  } else {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  }
  return digits >= 12 ? value : value * 1000;
}

}  // namespace

std::optional<int64_t> parse_timestamp_ms(std::string_view s) {
  if (s.empty()) return std::nullopt;
  if (s.size() < 10 || s[4] != '-') return parse_epoch(s);
  size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_digits(s, pos, 4, year) || s[pos++] != '-' || !read_digits(s, pos, 2, month) ||
      pos >= s.size() || s[pos++] != '-' || !read_digits(s, pos, 2, day)) {
    return std::nullopt;
  }
  std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                  std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  int64_t millis = 0;
  int64_t offset_minutes = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return std::nullopt;
    ++pos;
    if (!read_digits(s, pos, 2, hour) || pos >= s.size() || s[pos++] != ':' || !read_digits(s, pos, 2, minute)) {
      return std::nullopt;
    }
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      if (!read_digits(s, pos, 2, second)) return std::nullopt;
      if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
        ++pos;
        int64_t scale = 100;
        size_t start = pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
          millis += (s[pos] - '0') * scale;  // digits past milliseconds are truncated
          scale /= 10;
          ++pos;
        }
        if (pos == start) return std::nullopt;
      }
    }
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
    if (pos < s.size()) {
      char sign = s[pos++];
      if (sign == 'Z' || sign == 'z') {
        if (pos != s.size()) return std::nullopt;
      } else if (sign == '+' || sign == '-') {
        int oh = 0, om = 0;
        if (!read_digits(s, pos, 2, oh)) return std::nullopt;
        if (pos < s.size()) {  // +HH, +HHMM or +HH:MM: anything after the hours is the minutes
          if (s[pos] == ':') ++pos;
          if (!read_digits(s, pos, 2, om)) return std::nullopt;
        }
        if (pos != s.size() || oh > 23 || om > 59) return std::nullopt;
        offset_minutes = (sign == '+' ? 1 : -1) * (oh * 60 + om);
      } else {
        return std::nullopt;
      }
    }
  }
  int64_t days = std::chrono::sys_days{ymd}.time_since_epoch().count();
  int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  return seconds * 1000 + millis;
}

std::string format_utc(int64_t unix_ms) {
  using namespace std::chrono;
  int64_t ms = unix_ms % 1000;
  int64_t secs = unix_ms / 1000;
  if (ms < 0) {
    ms += 1000;
    secs -= 1;
  }
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  year_month_day ymd{sys_days{std::chrono::days{days}}};
  char text[40];
  int length = std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                             static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                             static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
  if (ms != 0) length += std::snprintf(text + length, sizeof text - static_cast<size_t>(length), ".%03d", static_cast<int>(ms));
  return std::string(text, static_cast<size_t>(length)) + "Z";
}

}  // namespace expt
