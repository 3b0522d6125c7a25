#include "core/base/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>


namespace expt {

namespace {
Error io_error(const std::string& what, const std::string& path) {
  return Error::io(std::string(what) + " '" + path + "': " + std::strerror(errno), path);
}
}  // namespace

AtomicFileWriter::AtomicFileWriter(std::string path, std::string temp_path, int fd)
    : m_path(std::move(path)), m_temp_path(std::move(temp_path)), m_fd(fd) {}

AtomicFileWriter::~AtomicFileWriter() {
  if (m_fd >= 0) ::close(m_fd);
  if (!m_committed) ::unlink(m_temp_path.c_str());
}

Result<std::unique_ptr<AtomicFileWriter>> AtomicFileWriter::open(const std::string& path) {
  std::filesystem::path target(path);
  std::filesystem::path folder = target.parent_path().empty() ? "." : target.parent_path();
  std::string pattern = (folder / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  int fd = ::mkstemp(name.data());
  if (fd < 0) return io_error("cannot create a temporary file for", path);
  ::fchmod(fd, 0644);  // mkstemp makes 0600; published files are meant to be read
  return std::unique_ptr<AtomicFileWriter>(new AtomicFileWriter(path, name.data(), fd));
}

Result<void> AtomicFileWriter::write(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(m_fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("cannot write", m_temp_path);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Result<void> AtomicFileWriter::flush() {
  if (m_fd < 0 || m_flushed) return {};
  if (::fsync(m_fd) != 0) return io_error("cannot flush", m_temp_path);
  m_flushed = true;
  return {};
}

Result<void> AtomicFileWriter::commit() {
  if (auto flushed = flush(); !flushed) return flushed;
  if (::close(m_fd) != 0) {
    m_fd = -1;
    return io_error("cannot close", m_temp_path);
  }
  m_fd = -1;
  if (::rename(m_temp_path.c_str(), m_path.c_str()) != 0) return io_error("cannot replace", m_path);
  m_committed = true;
  std::filesystem::path folder = std::filesystem::path(m_path).parent_path();
  int dir = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir >= 0) {
    // The new file is visible now; a failure to make the rename durable is not reported, since
    // an error would claim nothing changed. A crash before the folder reaches the disk at worst
    // loses this file, which the next export writes again.
    ::fsync(dir);
    ::close(dir);
  }
  return {};
}

Result<void> write_file_atomically(const std::string& path, std::string_view content) {
  auto writer = AtomicFileWriter::open(path);
  if (!writer) return std::move(writer).error();
  auto written = (*writer)->write(content);
  if (!written) return written;
  return (*writer)->commit();
}

}  // namespace expt
