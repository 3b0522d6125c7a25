#pragma once
// What a use case may use of the process, handed over by the command that runs it: standard
// input (for inputs named "-"), where progress shows, the environment, and this run's audit
// stamp. Use cases never reach for std::cin, getenv or a terminal themselves.

#include <istream>

#include "core/process/environment.h"
#include "core/process/progress.h"
#include "core/registry/state.h"

namespace expt {

struct Session {
  std::istream& in;
  ProgressReporter& progress;
  const Environment& environment;
  AuditStamp stamp;
};

}  // namespace expt
