#pragma once
// The bounds `expt serve` puts on what a client controls (docs/serving.md lists them with their
// defaults and what a client sees when it crosses one). Every count and size is checked as bytes
// arrive, so no request holds more than these in the server's memory.

#include <chrono>
#include <cstddef>

namespace expt {

struct HttpLimits {
  size_t max_request_line = 8 * 1024;    // method, target and version; beyond: 414
  size_t max_header_bytes = 16 * 1024;   // the request line and every header; beyond: 431
  size_t max_header_count = 100;         // beyond: 431
  size_t max_body_bytes = size_t{1} << 20;  // with or without Content-Length (chunked); beyond: 413
  // A request must arrive whole within this from its first byte (slow clients are cut: 408).
  std::chrono::milliseconds read_timeout{10000};
  // How long a kept-alive connection may wait for its next request, and a new one for its first.
  std::chrono::milliseconds idle_timeout{5000};
  // A response, or one event of a stream, must leave within this (a peer that stopped reading).
  std::chrono::milliseconds write_timeout{10000};
};

}  // namespace expt
