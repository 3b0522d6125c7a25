#pragma once
// A stream copied to an unnamed temporary file, for an input that must be read more than once
// but arrives on a pipe (the events from stdin under a memory limit). The file vanishes with the
// object, and with the process however it ends.

#include <istream>
#include <string>

#include "core/base/error.h"

namespace expt {

class SpooledInput {
 public:
  SpooledInput() = default;
  ~SpooledInput();
  SpooledInput(const SpooledInput&) = delete;
  SpooledInput& operator=(const SpooledInput&) = delete;

  // Copies all of `in` and returns a path that reopens the copy with an offset of its own
  // (/proc/self/fd/N). Error (io): the copy cannot be written (naming the folder and `purpose`),
  // or `in` fails.
  Result<std::string> spool(std::istream& in, std::string_view purpose);

 private:
  int m_fd = -1;
};

}  // namespace expt
