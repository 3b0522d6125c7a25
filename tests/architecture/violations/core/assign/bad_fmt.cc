// The SDK must not use fmt.
#include <fmt/format.h>
#include <nlohmann/json.hpp>
