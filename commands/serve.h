#pragma once
// `expt serve --bundles DIR [--listen HOST:PORT]`: serves the bundle folder that `expt export
// bundle` writes, over HTTP, until SIGTERM or SIGINT (then exit 0). docs/serving.md. What an
// operator should see (capacity at start, refused connections) goes to stderr, one line each.

#include <string>

#include "commands/common/command.h"

namespace expt {

struct ServeCommandOptions {
  std::string bundles;
  std::string listen = "127.0.0.1:8080";
  double heartbeat_seconds = 15;
  double stream_lifetime_seconds = 60;
  double rescan_seconds = 5;
  size_t max_connections = 50000;
  size_t max_streams = 40000;
  double shutdown_seconds = 2;
  double read_timeout_seconds = 10;
  double idle_timeout_seconds = 5;
  unsigned threads = 0;
};

ExitCode run_serve(const ServeCommandOptions& options, Io& io);

}  // namespace expt
