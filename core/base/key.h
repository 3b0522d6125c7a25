#pragma once
// Keys name namespaces, metrics, experiments, variants and holdouts. They appear in hash salts,
// file names, SQL and URLs, so they are restricted to [a-z0-9][a-z0-9._-]{0,127}.

#include <string_view>

namespace expt {

inline constexpr std::string_view k_key_pattern = "[a-z0-9][a-z0-9._-]{0,127}";

// True when `key` matches k_key_pattern.
bool is_valid_key(std::string_view key);

}  // namespace expt
