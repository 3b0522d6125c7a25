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

namespace expt {

class ProgressLine {
 public:
  ProgressLine(std::ostream& err, bool enabled) : m_err(err), m_enabled(enabled) {}
  ~ProgressLine() { clear(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // The hook for IngestOptions::progress while reading `file` of `total_bytes` (0 when unknown,
  // as for stdin); an empty function when disabled.
  std::function<void(int64_t bytes, int64_t rows)> for_file(std::string file, int64_t total_bytes);

  // Erases the line, if one was drawn.
  void clear();

  // The text of the line (exposed for tests).
  static std::string describe(const std::string& file, int64_t bytes, int64_t total_bytes, int64_t rows,
                              double seconds);

 private:
  std::ostream& m_err;
  bool m_enabled;
  bool m_drawn = false;
};

// The size of `path` in bytes, or 0 for "-" and anything whose size is unknown.
int64_t input_size(const std::string& path);

}  // namespace expt
