#pragma once
// An advisory lock on a file (flock), held while the object lives and released when the process
// ends however it ends, so a killed holder never blocks the next one. Not for mutual exclusion
// between threads of one process.

#include <optional>
#include <string>

#include "core/base/error.h"

namespace expt {

class FileLock {
 public:
  // Creates `path` if needed and waits for the lock. Error (io): it cannot be opened or locked.
  static Result<FileLock> acquire(const std::string& path);
  // As acquire, but without waiting: nullopt inside the Result when another process holds it.
  static Result<std::optional<FileLock>> try_acquire(const std::string& path);
  // Locks the folder itself (its directory entry, opened read-only), leaving no file in it: for
  // folders whose every file is for others to read, such as a bundle folder.
  static Result<FileLock> acquire_folder(const std::string& folder);

  FileLock(FileLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : m_fd(fd) {}
  int m_fd;
};

}  // namespace expt
