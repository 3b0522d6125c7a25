#pragma once
// A log line that may repeat thousands of times a second (refused connections, a folder that
// cannot be read) is written at most once a second, with how often it happened meanwhile.

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace expt {

class RateLimitedLog {
 public:
  void say(const std::function<void(const std::string&)>& log, const std::string& text) {
    if (!log) return;
    std::lock_guard<std::mutex> lock(m_mutex);
    ++m_count;
    const auto now = std::chrono::steady_clock::now();
    if (now - m_last < std::chrono::seconds(1)) return;
    log(m_count > 1 ? text + " (" + std::to_string(m_count) + " times since the last report)" : text);
    m_last = now;
    m_count = 0;
  }

 private:
  std::mutex m_mutex;
  std::chrono::steady_clock::time_point m_last{};
  int64_t m_count = 0;
};

}  // namespace expt
