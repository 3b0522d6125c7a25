#pragma once
// An input named on the command line: a file, or "-" for the command's stdin.

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
inline Result<InputStream> open_input(const std::string& name, std::istream& stdin_stream) {
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

}  // namespace expt
