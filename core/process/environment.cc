#include "core/process/environment.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

namespace expt {

namespace {

std::string variable(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

// The account's name from the user database: unlike $USER, not something a caller sets. A
// container's uid may have no entry; then the login variables, then the number.
std::string account_name() {
  const uid_t uid = ::geteuid();
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr && found->pw_name != nullptr &&
      found->pw_name[0] != '\0') {
    return found->pw_name;
  }
  for (const char* name : {"USER", "LOGNAME"}) {
    if (std::string value = variable(name); !value.empty()) return value;
  }
  return "uid-" + std::to_string(uid);
}

}  // namespace

Environment Environment::of_process() {
  Environment e;
  e.registry = variable("EXPT_REGISTRY");
  e.actor = variable("EXPT_ACTOR");
  e.team = variable("EXPT_TEAM");
  e.clickhouse_password = variable("EXPT_CLICKHOUSE_PASSWORD");
  e.now = variable("EXPT_NOW");
  e.os_user = account_name();
  e.no_color = variable("NO_COLOR");
  e.term = variable("TERM");
  return e;
}

}  // namespace expt
