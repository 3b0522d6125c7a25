#pragma once
// The one JSON type of expt and its SDK: nlohmann::json. Its class template is instantiated
// once, in json.cc, instead of in every file that uses it; that halves the compile time of a
// typical command (docs/performance.md). Include this instead of <nlohmann/json.hpp>.

#include <nlohmann/json.hpp>

extern template class nlohmann::basic_json<>;
