#pragma once
// The source of "now" for registry timestamps and the audit log, injected so tests (and the
// EXPT_NOW environment variable) can pin time.

#include <chrono>
#include <cstdint>

namespace expt {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t now_ms() const = 0;  // milliseconds since the Unix epoch, UTC
};

class SystemClock final : public Clock {
 public:
  int64_t now_ms() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

class FixedClock final : public Clock {
 public:
  explicit FixedClock(int64_t now_ms) : m_now_ms(now_ms) {}
  int64_t now_ms() const override { return m_now_ms; }

 private:
  int64_t m_now_ms;
};

}  // namespace expt
