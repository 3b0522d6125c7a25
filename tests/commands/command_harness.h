#pragma once
// Runs commands in-process with string streams, a fixed clock and a temporary registry.

#include <sstream>

#include "commands/common/command.h"
#include "commands/common/registry_access.h"
#include "tests/support/fixtures.h"

namespace expt::testing {

struct CommandHarness {
  TempDir dir;
  FixedClock clock{1795435200000};  // 2026-11-23T12:00:00Z
  std::istringstream in;
  std::ostringstream out;
  std::ostringstream err;
  Io io{in, out, err, clock, "tester", {}, false, false, false, {}};
  RegistryOptions registry{(dir / "expt.db").string()};

  // Clears captured output before the next command.
  void reset() {
    out.str("");
    err.str("");
  }
};

}  // namespace expt::testing
