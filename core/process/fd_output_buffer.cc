#include "core/process/fd_output_buffer.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace expt {

FdOutputBuffer::FdOutputBuffer(int fd) : m_fd(fd) { setp(m_buffer.data(), m_buffer.data() + m_buffer.size()); }

FdOutputBuffer::~FdOutputBuffer() { drain(); }

bool FdOutputBuffer::write_all(const char* data, size_t size) {
  if (m_error != 0) return false;
  while (size > 0) {
    const ssize_t n = ::write(m_fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      m_error = n < 0 ? errno : EIO;
      return false;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool FdOutputBuffer::drain() {
  const bool ok = write_all(pbase(), static_cast<size_t>(pptr() - pbase()));
  setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
  return ok;
}

FdOutputBuffer::int_type FdOutputBuffer::overflow(int_type c) {
  if (!drain()) return traits_type::eof();
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  *pptr() = traits_type::to_char_type(c);
  pbump(1);
  return c;
}

std::streamsize FdOutputBuffer::xsputn(const char* s, std::streamsize n) {
  const auto room = static_cast<std::streamsize>(epptr() - pptr());
  if (n <= room) {
    std::memcpy(pptr(), s, static_cast<size_t>(n));
    pbump(static_cast<int>(n));
    return n;
  }
  // Larger than what is left: what is buffered goes first, then this, unbuffered.
  if (!drain() || !write_all(s, static_cast<size_t>(n))) return 0;
  return n;
}

int FdOutputBuffer::sync() { return drain() ? 0 : -1; }

std::string stdout_write_failure(int error) {
  return std::string("cannot write to standard output") + (error != 0 ? std::string(": ") + std::strerror(error) : "");
}

}  // namespace expt
