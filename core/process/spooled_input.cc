#include "core/process/spooled_input.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "core/process/temporary_file.h"

namespace expt {

SpooledInput::~SpooledInput() {
  if (m_fd >= 0) ::close(m_fd);
}

Result<std::string> SpooledInput::spool(std::istream& in, std::string_view purpose) {
  const std::string directory = temporary_directory();
  auto fd = create_unlinked_file(directory, purpose);
  if (!fd) return std::move(fd).error();
  m_fd = *fd;
  std::vector<char> block(size_t{1} << 20);
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    const auto got = static_cast<size_t>(in.gcount());
    for (size_t left = got; left > 0;) {
      const ssize_t wrote = ::write(m_fd, block.data() + (got - left), left);
      if (wrote < 0 && errno == EINTR) continue;
      if (wrote < 0) {
        return Error::io("cannot copy " + std::string(purpose) + " to a temporary file in " + directory + ": " +
                         std::strerror(errno));
      }
      left -= static_cast<size_t>(wrote);
    }
  }
  if (in.bad()) return Error::io("reading " + std::string(purpose) + " failed", "-");
  return "/proc/self/fd/" + std::to_string(m_fd);
}

}  // namespace expt
