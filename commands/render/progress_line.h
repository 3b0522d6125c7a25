#pragma once
// A one-line progress display on a terminal's stderr while a long input is read:
//   "reading events.csv: 231 MB of 530 MB (44%), 3.1 M rows/s, 4 s left"
// redrawn in place at most ten times a second and erased when done (or destroyed). Disabled, it
// writes nothing: commands enable it only when stderr is a terminal and --quiet is not given.

#include <chrono>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include "core/process/progress.h"

namespace expt {

class ProgressLine final : public ProgressReporter {
 public:
  ProgressLine(std::ostream& err, bool enabled) : m_err(err), m_enabled(enabled) {}
  ~ProgressLine() override { clear(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // The hook for IngestOptions::progress while reading `file` of `total_bytes` (0 when unknown,
  // as for stdin); an empty function when disabled.
  ProgressCallback for_file(std::string file, int64_t total_bytes) override;

  // Erases the line, if one was drawn.
  void clear() override;

  // The text of the line (exposed for tests).
  static std::string describe(const std::string& file, int64_t bytes, int64_t total_bytes, int64_t rows,
                              double seconds);

 private:
  std::ostream& m_err;
  bool m_enabled;
  bool m_drawn = false;
};

}  // namespace expt
