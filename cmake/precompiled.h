// The headers nearly every file above the SDK parses: JSON (with its one instantiation declared
// extern), fmt, and the standard containers. Precompiled once by the target expt_pch and reused
// by the core libraries, commands, cli and tests (option EXPT_PCH; docs/performance.md).
#include <fmt/format.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/assign/json.h"
