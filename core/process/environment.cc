#include "core/process/environment.h"

#include <cstdlib>

namespace expt {

namespace {

std::string variable(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

}  // namespace

Environment Environment::of_process() {
  Environment e;
  e.registry = variable("EXPT_REGISTRY");
  e.actor = variable("EXPT_ACTOR");
  e.team = variable("EXPT_TEAM");
  e.clickhouse_password = variable("EXPT_CLICKHOUSE_PASSWORD");
  e.now = variable("EXPT_NOW");
  e.login = variable("USER");
  if (e.login.empty()) e.login = variable("LOGNAME");
  e.no_color = variable("NO_COLOR");
  e.term = variable("TERM");
  return e;
}

}  // namespace expt
