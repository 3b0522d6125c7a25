#pragma once
// `expt serve --bundles DIR [--listen HOST:PORT]`: serves the bundle folder that `expt export
// bundle` writes, over HTTP, until SIGTERM or SIGINT (then exit 0). docs/serving.md.

#include <string>

#include "commands/common/command.h"

namespace expt {

struct ServeCommandOptions {
  std::string bundles;
  std::string listen = "127.0.0.1:8080";
  double heartbeat_seconds = 15;
  double stream_lifetime_seconds = 300;
  double rescan_seconds = 5;
};

ExitCode run_serve(const ServeCommandOptions& options, Io& io);

}  // namespace expt
