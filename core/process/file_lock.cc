#include "core/process/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

namespace expt {

namespace {

Result<int> open_lock_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Error::io("cannot open the lock file '" + path + "': " + std::strerror(errno), path);
  return fd;
}

}  // namespace

FileLock::~FileLock() {
  if (m_fd >= 0) ::close(m_fd);  // closing releases the lock
}

namespace {

Result<int> wait_for_lock(int fd, const std::string& path) {
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    const int error = errno;
    ::close(fd);
    return Error::io("cannot lock '" + path + "': " + std::strerror(error), path);
  }
  return fd;
}

}  // namespace

Result<FileLock> FileLock::acquire(const std::string& path) {
  auto fd = open_lock_file(path);
  if (!fd) return std::move(fd).error();
  auto locked = wait_for_lock(*fd, path);
  if (!locked) return std::move(locked).error();
  return FileLock(*locked);
}

Result<FileLock> FileLock::acquire_folder(const std::string& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Error::io("cannot open the folder '" + folder + "' to lock it: " + std::strerror(errno), folder);
  auto locked = wait_for_lock(fd, folder);
  if (!locked) return std::move(locked).error();
  return FileLock(*locked);
}

Result<std::optional<FileLock>> FileLock::try_acquire(const std::string& path) {
  auto fd = open_lock_file(path);
  if (!fd) return std::move(fd).error();
  if (::flock(*fd, LOCK_EX | LOCK_NB) == 0) return std::optional<FileLock>(FileLock(*fd));
  const int error = errno;
  ::close(*fd);
  if (error == EWOULDBLOCK) return std::optional<FileLock>();
  return Error::io("cannot lock '" + path + "': " + std::strerror(error), path);
}

}  // namespace expt
