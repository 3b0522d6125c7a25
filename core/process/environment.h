#pragma once
// The environment variables expt reads, read once by cli/main.cc and passed down, so that no
// command or use case reaches for getenv (and tests set them as plain values). An empty string
// is an unset variable.

#include <string>

namespace expt {

struct Environment {
  std::string registry;             // EXPT_REGISTRY: the registry when --registry is not given
  std::string actor;                // EXPT_ACTOR: who the audit log records
  std::string team;                 // EXPT_TEAM: the reviewer's team when --team is not given
  std::string clickhouse_password;  // EXPT_CLICKHOUSE_PASSWORD: when the --source URL has none
  std::string now;                  // EXPT_NOW: a fixed current time, for reproducible runs
  std::string os_user;              // the account running expt (getpwuid), else USER, LOGNAME, "uid-N"
  std::string no_color;             // NO_COLOR
  std::string term;                 // TERM

  // The variables of this process.
  static Environment of_process();
};

}  // namespace expt
