#pragma once
// A stream buffer that writes to a file descriptor and remembers why a write failed: iostreams
// keep only a bad bit, and errno is long overwritten by the time a command checks it, so "the disk
// is full" would be reported as an unexplained failure.

#include <array>
#include <string>
#include <streambuf>

namespace expt {

class FdOutputBuffer final : public std::streambuf {
 public:
  explicit FdOutputBuffer(int fd);
  ~FdOutputBuffer() override;
  FdOutputBuffer(const FdOutputBuffer&) = delete;
  FdOutputBuffer& operator=(const FdOutputBuffer&) = delete;

  // The errno of the first failed write, or 0. Once a write failed, nothing more is written.
  int error() const { return m_error; }

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  bool drain();
  bool write_all(const char* data, size_t size);

  int m_fd;
  int m_error = 0;
  std::array<char, 64 * 1024> m_buffer{};
};

// "cannot write to standard output: <strerror(error)>", or without the reason when `error` is 0.
std::string stdout_write_failure(int error);

}  // namespace expt
