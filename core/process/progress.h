#pragma once
// How a long step says how far it is: for each input it reads, a callback of (bytes, rows) so
// far. Use cases accept a reporter and never draw; the command decides how progress shows
// (commands/render/progress_line.h draws a terminal line, or nothing).

#include <cstdint>
#include <functional>
#include <string>

namespace expt {

using ProgressCallback = std::function<void(int64_t bytes, int64_t rows)>;

class ProgressReporter {
 public:
  virtual ~ProgressReporter() = default;
  // The callback for reading `name` of `total_bytes` (0 when unknown, as for a pipe); an empty
  // function when nothing is shown.
  virtual ProgressCallback for_file(std::string name, int64_t total_bytes) = 0;
  // The step is done: whatever was shown goes.
  virtual void clear() = 0;
};

// Shows nothing.
class NoProgress final : public ProgressReporter {
 public:
  ProgressCallback for_file(std::string, int64_t) override { return {}; }
  void clear() override {}
};

}  // namespace expt
