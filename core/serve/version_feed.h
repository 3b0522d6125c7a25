#pragma once
// The newest published version, for the threads that stream it: a stream waits here until a
// version newer than the one it sent is published, its heartbeat is due, or the server closes.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace expt {

class VersionFeed {
 public:
  using Steady = std::chrono::steady_clock;

  void publish(int64_t version) {
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      if (version <= m_version) return;
      m_version = version;
    }
    m_changed.notify_all();
  }

  int64_t current() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_version;
  }

  // The current version once it is newer than `seen`, or `seen` when `until` passes or the feed
  // closes first.
  int64_t wait_newer(int64_t seen, Steady::time_point until) {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_changed.wait_until(lock, until, [&] { return m_version > seen || m_closed; });
    return m_version > seen ? m_version : seen;
  }

  // Wakes every waiter for good (shutdown).
  void close() {
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_closed = true;
    }
    m_changed.notify_all();
  }

  bool closed() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_closed;
  }

 private:
  mutable std::mutex m_mutex;
  std::condition_variable m_changed;
  int64_t m_version = 0;
  bool m_closed = false;
};

}  // namespace expt
