#include "core/process/temporary_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace expt {

std::string temporary_directory() {
  const char* tmp = std::getenv("TMPDIR");
  return tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
}

Result<int> create_unlinked_file(const std::string& directory, std::string_view purpose) {
  std::string name = directory + "/expt-XXXXXX";
  const int fd = ::mkstemp(name.data());
  if (fd < 0) {
    return Error::io("cannot create a temporary file in " + directory + " for " + std::string(purpose) + ": " +
                     std::strerror(errno));
  }
  ::unlink(name.c_str());
  return fd;
}

}  // namespace expt
