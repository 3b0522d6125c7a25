#include "commands/render/progress_line.h"

#include <filesystem>
#include <memory>

#include <fmt/format.h>

namespace expt {

namespace {

std::string show_bytes(int64_t bytes) {
  const double b = static_cast<double>(bytes);
  if (b >= 1e9) return fmt::format("{:.1f} GB", b / 1e9);
  if (b >= 1e6) return fmt::format("{:.0f} MB", b / 1e6);
  if (b >= 1e3) return fmt::format("{:.0f} kB", b / 1e3);
  return fmt::format("{} B", bytes);
}

std::string show_rate(double per_second) {
  if (per_second >= 1e6) return fmt::format("{:.1f} M rows/s", per_second / 1e6);
  if (per_second >= 1e3) return fmt::format("{:.0f} k rows/s", per_second / 1e3);
  return fmt::format("{:.0f} rows/s", per_second);
}

}  // namespace

std::string ProgressLine::describe(const std::string& file, int64_t bytes, int64_t total_bytes, int64_t rows,
                                   double seconds) {
  const std::string name = std::filesystem::path(file).filename().string();
  std::string line = "reading " + (name.empty() ? file : name) + ": " + show_bytes(bytes);
  if (total_bytes > 0) {
    line += fmt::format(" of {} ({:.0f}%)", show_bytes(total_bytes),
                        100.0 * static_cast<double>(bytes) / static_cast<double>(total_bytes));
  }
  if (seconds > 0) {
    line += ", " + show_rate(static_cast<double>(rows) / seconds);
    if (total_bytes > 0 && bytes > 0 && bytes < total_bytes) {
      const double left = seconds * static_cast<double>(total_bytes - bytes) / static_cast<double>(bytes);
      line += fmt::format(", {:.0f} s left", left < 1 ? 1.0 : left);
    }
  } else {
    line += fmt::format(", {} rows", rows);
  }
  return line;
}

std::function<void(int64_t, int64_t)> ProgressLine::for_file(std::string file, int64_t total_bytes) {
  if (!m_enabled) return {};
  using Steady = std::chrono::steady_clock;
  struct State {
    Steady::time_point start = Steady::now();
    Steady::time_point last{};
  };
  auto state = std::make_shared<State>();
  return [this, file = std::move(file), total_bytes, state](int64_t bytes, int64_t rows) {
    const Steady::time_point now = Steady::now();
    const bool done = total_bytes > 0 && bytes >= total_bytes;
    if (!done && now - state->last < std::chrono::milliseconds(100)) return;
    state->last = now;
    const double seconds = std::chrono::duration<double>(now - state->start).count();
    // \r and "erase to end of line" redraw in place on any ANSI terminal.
    m_err << "\r\033[K" << describe(file, bytes, total_bytes, rows, seconds) << std::flush;
    m_drawn = true;
  };
}

void ProgressLine::clear() {
  if (!m_drawn) return;
  m_err << "\r\033[K" << std::flush;
  m_drawn = false;
}

}  // namespace expt
