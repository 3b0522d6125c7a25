#pragma once
// Text for HTML pages (`expt report`): the characters that would end an element or an attribute
// value, escaped. Everything the report shows from data goes through it.

#include <string>
#include <string_view>

namespace expt {

inline std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace expt
