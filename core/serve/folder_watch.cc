#include "core/serve/folder_watch.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

namespace expt {

FolderWatch::FolderWatch(std::string folder, std::chrono::milliseconds rescan, std::function<void()> on_change)
    : m_folder(std::move(folder)), m_rescan(rescan), m_on_change(std::move(on_change)) {
  if (pipe(m_stop) != 0) m_stop[0] = m_stop[1] = -1;
  m_inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (m_inotify >= 0 &&
      inotify_add_watch(m_inotify, m_folder.c_str(), IN_MOVED_TO | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE) < 0) {
    close(m_inotify);
    m_inotify = -1;
  }
  m_thread = std::thread([this] { run(); });
}

FolderWatch::~FolderWatch() {
  if (m_stop[1] >= 0) {
    const char byte = 0;
    [[maybe_unused]] ssize_t n = write(m_stop[1], &byte, 1);
  }
  if (m_thread.joinable()) m_thread.join();
  for (int fd : {m_inotify, m_stop[0], m_stop[1]}) {
    if (fd >= 0) close(fd);
  }
}

void FolderWatch::run() {
  for (;;) {
    pollfd fds[2] = {{m_stop[0], POLLIN, 0}, {m_inotify, POLLIN, 0}};
    const int ready = poll(fds, m_inotify >= 0 ? 2 : 1, static_cast<int>(m_rescan.count()));
    if (ready > 0 && (fds[0].revents & POLLIN) != 0) return;
    if (ready > 0 && (fds[1].revents & POLLIN) != 0) {
      // Drain the events: which file changed does not matter, the folder is rescanned.
      alignas(inotify_event) char buffer[4096];
      while (read(m_inotify, buffer, sizeof buffer) > 0) {
      }
    }
    m_on_change();
  }
}

}  // namespace expt
