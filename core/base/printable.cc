#include "core/base/printable.h"

#include <cstdio>

namespace expt {

namespace {

// The length of the UTF-8 sequence at `text[at]` and its code point, or 0 when it is not valid.
size_t decode(std::string_view text, size_t at, char32_t& code) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  size_t length = 0;
  if (lead < 0x80) {
    code = lead;
    return 1;
  }
  if (lead >= 0xC2 && lead <= 0xDF) length = 2, code = lead & 0x1F;
  else if (lead >= 0xE0 && lead <= 0xEF) length = 3, code = lead & 0x0F;
  else if (lead >= 0xF0 && lead <= 0xF4) length = 4, code = lead & 0x07;
  else return 0;
  if (at + length > text.size()) return 0;
  for (size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(at + i) & 0x3F);
  }
  // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
  if ((length == 3 && code < 0x800) || (length == 4 && (code < 0x10000 || code > 0x10FFFF)) ||
      (code >= 0xD800 && code <= 0xDFFF)) {
    return 0;
  }
  return length;
}

// The SDK links base without fmt: a small formatter for the two escapes.
std::string escape(const char* format, unsigned value) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

// Bidirectional marks reorder what is read; zero-width characters hide that two names differ.
bool reorders(char32_t c) {
  return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || (c >= 0x200B && c <= 0x200F) || c == 0x2060 ||
         c == 0xFEFF;
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t at = 0; at < text.size();) {
    char32_t c = 0;
    const size_t length = decode(text, at, c);
    if (length == 0) {
      out += escape("\\x%02X", static_cast<unsigned char>(text[at]));
      ++at;
      continue;
    }
    if (c < 0x20 || c == 0x7F) {
      out += escape("\\x%02X", static_cast<unsigned>(c));
    } else if ((c >= 0x80 && c <= 0x9F) || reorders(c)) {
      out += escape("\\u%04X", static_cast<unsigned>(c));
    } else {
      out.append(text.substr(at, length));
    }
    at += length;
  }
  return out;
}

bool has_words(std::string_view text) {
  for (size_t at = 0; at < text.size();) {
    char32_t c = 0;
    const size_t length = decode(text, at, c);
    if (length == 0) {
      ++at;
      continue;
    }
    // ASCII letters and digits, and any letter of another script (everything past Latin-1's
    // punctuation and spaces that is not a control, a space or general punctuation).
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
    if (c >= 0xC0 && c != 0xD7 && c != 0xF7 && !(c >= 0x2000 && c <= 0x206F) && c != 0x3000 && c != 0xFEFF) return true;
    at += length;
  }
  return false;
}

}  // namespace expt
