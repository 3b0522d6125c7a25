#pragma once
// For long-running commands (serve, watch): SIGTERM and SIGINT go to one thread that calls a
// stop function, and are blocked in every other thread, so none is interrupted mid-write.

#include <pthread.h>
#include <signal.h>

#include <functional>
#include <thread>

namespace expt {

class StopSignals {
 public:
  // Blocks the signals in this thread and in every thread started from here on.
  StopSignals() {
    sigemptyset(&m_signals);
    sigaddset(&m_signals, SIGTERM);
    sigaddset(&m_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &m_signals, nullptr);
  }
  // Waits for one of them on a thread of its own, then calls `on_signal`.
  void start(std::function<void()> on_signal) {
    m_thread = std::thread([this, on_signal = std::move(on_signal)] {
      int signal = 0;
      sigwait(&m_signals, &signal);
      on_signal();
    });
  }
  // If no signal came, wakes the waiting thread (it then calls on_signal, which must be harmless
  // twice) and joins it.
  ~StopSignals() {
    if (!m_thread.joinable()) return;
    pthread_kill(m_thread.native_handle(), SIGTERM);
    m_thread.join();
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  sigset_t m_signals;
  std::thread m_thread;
};

}  // namespace expt
