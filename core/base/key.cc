#include "core/base/key.h"

namespace expt {

namespace {
bool is_key_start(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_key_char(char c) { return is_key_start(c) || c == '.' || c == '_' || c == '-'; }
}  // namespace

bool is_valid_key(std::string_view key) {
  if (key.empty() || key.size() > 128 || !is_key_start(key.front())) return false;
  for (char c : key) {
    if (!is_key_char(c)) return false;
  }
  return true;
}

}  // namespace expt
