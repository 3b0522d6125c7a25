#pragma once
// `expt watch --server URL`: a BundleClient that prints each version it moves to, for operators
// and tests. Runs until SIGTERM or SIGINT (exit 0), or with --until-version until it has that
// version (exit 0) or --timeout passes first (exit 1). With --entity, each version is followed by
// those entities' assignments as the SDK evaluates them in-process: one JSON line each.

#include <optional>
#include <string>
#include <vector>

#include "commands/common/command.h"

namespace expt {

struct WatchOptions {
  std::string server;
  std::string cache;
  double poll_seconds = 30;
  bool no_stream = false;
  bool follow_new_lineage = false;
  std::optional<long long> until_version;
  double timeout_seconds = 0;  // 0: none
  std::vector<std::string> entities;  // print their assignments at each version, as JSON lines
};

ExitCode run_watch(const WatchOptions& options, Io& io);

}  // namespace expt
