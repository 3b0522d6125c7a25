#pragma once
// Input values quoted in messages are cut to a readable length: a 1 MB bad field must not become
// a 1 MB error message.

#include <cstddef>
#include <string>
#include <string_view>

namespace expt {

inline constexpr size_t k_excerpt_bytes = 80;

// `text` when it has at most `max_bytes` bytes; otherwise its first bytes (never splitting a
// UTF-8 sequence), "...", and the full size, e.g. "aaaa... (1048576 bytes)"; either made
// printable (core/base/printable.h), since an excerpt is shown to a person.
std::string excerpt(std::string_view text, size_t max_bytes = k_excerpt_bytes);

}  // namespace expt
