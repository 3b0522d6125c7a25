#include "core/base/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

namespace expt {

namespace {

Error io_error(const std::string& what, const std::string& path) {
  return Error::io(std::string(what) + " '" + path + "': " + std::strerror(errno), path);
}

// The temporary files being written, for a signal handler to remove: fixed storage, since a
// handler may neither allocate nor follow a pointer that another thread frees. A slot is claimed,
// its path written, then published; a handler reads only published slots.
constexpr int k_partial_slots = 64;
constexpr size_t k_partial_path = 4096;
std::atomic<bool> g_claimed[k_partial_slots];
std::atomic<bool> g_published[k_partial_slots];
char g_partial_paths[k_partial_slots][k_partial_path];

int register_partial(const std::string& path) {
  if (path.size() >= k_partial_path) return -1;
  for (int i = 0; i < k_partial_slots; ++i) {
    bool expected = false;
    if (!g_claimed[i].compare_exchange_strong(expected, true)) continue;
    std::memcpy(g_partial_paths[i], path.c_str(), path.size() + 1);
    g_published[i].store(true, std::memory_order_release);
    return i;
  }
  return -1;  // more than 64 files at once: those go only when their writer does
}

void unregister_partial(int slot) {
  if (slot < 0) return;
  g_published[slot].store(false, std::memory_order_release);
  g_claimed[slot].store(false, std::memory_order_release);
}

}  // namespace

void remove_partial_files_on_signal() {
  for (int i = 0; i < k_partial_slots; ++i) {
    if (g_published[i].load(std::memory_order_acquire)) ::unlink(g_partial_paths[i]);
  }
}

AtomicFileWriter::AtomicFileWriter(std::string path, std::string temp_path, int fd)
    : m_path(std::move(path)), m_temp_path(std::move(temp_path)), m_slot(register_partial(m_temp_path)), m_fd(fd) {}

AtomicFileWriter::~AtomicFileWriter() {
  if (m_fd >= 0) ::close(m_fd);
  if (!m_committed) ::unlink(m_temp_path.c_str());
  unregister_partial(m_slot);
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
      return io_error("cannot write", m_path);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Result<void> AtomicFileWriter::flush() {
  if (m_fd < 0 || m_flushed) return {};
  if (::fsync(m_fd) != 0) return io_error("cannot write", m_path);
  m_flushed = true;
  return {};
}

Result<void> AtomicFileWriter::commit() {
  if (auto flushed = flush(); !flushed) return flushed;
  if (::close(m_fd) != 0) {
    m_fd = -1;
    return io_error("cannot write", m_path);
  }
  m_fd = -1;
  if (::rename(m_temp_path.c_str(), m_path.c_str()) != 0) return io_error("cannot replace", m_path);
  m_committed = true;
  unregister_partial(m_slot);
  m_slot = -1;
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
