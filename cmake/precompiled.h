// The headers nearly every file above the SDK parses: JSON, fmt and the standard containers.
// Precompiled once by the target expt_pch and reused by the core libraries above the SDK,
// commands, cli, tests and benchmarks (option EXPT_PCH; docs/performance.md).
#include <fmt/format.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

// nlohmann::json's class is instantiated once, in cmake/json_instantiation.cc, instead of in
// every file that uses it. Declared here and not in a header of the SDK, so that programs
// linking only the SDK instantiate just the members they use (a smaller binary).
extern template class nlohmann::basic_json<>;
