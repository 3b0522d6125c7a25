#pragma once
// Calls `on_change` when files appear in, move into or leave a folder (inotify), and in any case
// every `rescan` interval, the fallback for file systems where inotify sees nothing (NFS, some
// container mounts) or when the watch cannot be set up. Runs on its own thread until stopped.

#include <chrono>
#include <functional>
#include <string>
#include <thread>

namespace expt {

class FolderWatch {
 public:
  FolderWatch(std::string folder, std::chrono::milliseconds rescan, std::function<void()> on_change);
  ~FolderWatch();
  FolderWatch(const FolderWatch&) = delete;
  FolderWatch& operator=(const FolderWatch&) = delete;

  bool using_inotify() const { return m_inotify >= 0; }

 private:
  void run();

  std::string m_folder;
  std::chrono::milliseconds m_rescan;
  std::function<void()> m_on_change;
  int m_inotify = -1;
  int m_stop[2] = {-1, -1};  // a pipe whose write end wakes the thread to stop
  std::thread m_thread;
};

}  // namespace expt
