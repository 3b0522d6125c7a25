#include "core/process/input_stream.h"

#include <filesystem>

namespace expt {

Result<InputStream> open_input(const std::string& name, std::istream& stdin_stream) {
  InputStream in;
  if (name == "-") {
    in.stream = &stdin_stream;
    return in;
  }
  in.file = std::make_unique<std::ifstream>(name, std::ios::binary);
  if (!*in.file) return Error::io("cannot read '" + name + "'", name);
  in.stream = in.file.get();
  return in;
}

int64_t input_size(const std::string& path) {
  if (path == "-") return 0;
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<int64_t>(size);
}

}  // namespace expt
