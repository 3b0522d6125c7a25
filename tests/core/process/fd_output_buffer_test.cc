// FdOutputBuffer keeps the reason a write failed, which an ostream alone loses.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <ostream>
#include <string>

#include <catch2/catch.hpp>

#include "core/process/fd_output_buffer.h"

namespace expt {
namespace {

TEST_CASE("a write to a full device fails the stream and keeps ENOSPC", "[process]") {
  const int fd = ::open("/dev/full", O_WRONLY);
  REQUIRE(fd >= 0);
  {
    FdOutputBuffer buffer(fd);
    std::ostream out(&buffer);
    out << "a line\n";
    CHECK(buffer.error() == 0);  // buffered: nothing written yet
    out.flush();
    CHECK_FALSE(out);
    CHECK(buffer.error() == ENOSPC);
  }
  ::close(fd);
}

TEST_CASE("everything written arrives, in order, through small and large writes", "[process]") {
  char path[] = "/tmp/expt-fd-buffer-XXXXXX";
  const int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  const std::string large(100'000, 'x');
  std::string expected;
  {
    FdOutputBuffer buffer(fd);
    std::ostream out(&buffer);
    for (int i = 0; i < 3; ++i) {
      out << "line " << i << "\n" << large;
      expected += "line " + std::to_string(i) + "\n" + large;
    }
    out.flush();
    CHECK(out);
    CHECK(buffer.error() == 0);
  }
  std::string written(expected.size() + 1, '\0');
  CHECK(::pread(fd, written.data(), written.size(), 0) == static_cast<ssize_t>(expected.size()));
  written.resize(expected.size());
  CHECK(written == expected);
  ::close(fd);
  ::unlink(path);
}

}  // namespace
}  // namespace expt
