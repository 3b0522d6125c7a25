#pragma once
// ANSI colour for terminals: used only when the command's Io says the stream takes colour
// (--color, NO_COLOR, a TTY; decided in cli/main.cc). Table ignores the escapes when aligning.

#include <string>
#include <string_view>

namespace expt {

enum class Paint { red, green, yellow, bold };

inline std::string paint(std::string_view text, Paint p, bool on) {
  if (!on || text.empty()) return std::string(text);
  const char* code = p == Paint::red ? "31" : p == Paint::green ? "32" : p == Paint::yellow ? "33" : "1";
  return "\033[" + std::string(code) + "m" + std::string(text) + "\033[0m";
}

}  // namespace expt
