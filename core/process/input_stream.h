#pragma once
// An input named on the command line: a file, or "-" for the process's standard input (which
// the caller passes in: core never reaches for std::cin).

#include <cstdint>
#include <fstream>
#include <istream>
#include <memory>
#include <string>

#include "core/base/error.h"

namespace expt {

struct InputStream {
  std::unique_ptr<std::ifstream> file;  // empty for stdin
  std::istream* stream = nullptr;
};

// Opens `name`, or returns `stdin_stream` for "-". Error (io, naming the file): it cannot be read.
Result<InputStream> open_input(const std::string& name, std::istream& stdin_stream);

// The size of `path` in bytes, or 0 for "-" and anything whose size is unknown.
int64_t input_size(const std::string& path);

}  // namespace expt
