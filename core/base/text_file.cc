#include "core/base/text_file.h"

#include <fstream>
#include <sstream>

namespace expt {

Result<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::io("cannot read '" + path + "'", path);
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

}  // namespace expt
