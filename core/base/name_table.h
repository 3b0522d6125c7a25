#pragma once
// Enums that users write as words (in specs, bundles and flags) map to and from those words
// through one constexpr table per enum, so a word list cannot drift from its parser.

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace expt {

template <typename E, size_t N>
using NameTable = std::array<std::pair<E, std::string_view>, N>;

// The word for `value`; "?" for a value missing from the table.
template <typename E, size_t N>
constexpr std::string_view name_of(const NameTable<E, N>& table, E value) {
  for (const auto& [e, name] : table) {
    if (e == value) return name;
  }
  return "?";
}

// The value written as `name`, or nullopt.
template <typename E, size_t N>
constexpr std::optional<E> value_of(const NameTable<E, N>& table, std::string_view name) {
  for (const auto& [e, n] : table) {
    if (n == name) return e;
  }
  return std::nullopt;
}

}  // namespace expt
