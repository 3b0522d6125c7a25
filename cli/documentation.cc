#include "cli/documentation.h"

#include <filesystem>
#include <system_error>

namespace expt {

std::string documentation_folder() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    // <prefix>/bin/expt -> <prefix>/share/doc/expt
    const fs::path installed = exe.parent_path().parent_path() / EXPT_DOC_DIR_RELATIVE;
    if (fs::exists(installed / "cli.md", ec)) return installed.string();
  }
  return std::string(EXPT_SOURCE_DOCS);
}

std::string documentation_pointer() {
  return "Documentation: " + documentation_folder() + "/cli.md, and `man expt`";
}

}  // namespace expt
