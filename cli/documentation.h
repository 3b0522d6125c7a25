#pragma once
// Where the documentation that help points to is: cli.md and the rest, installed beside the
// binary in share/doc/expt under its prefix (/usr/share/doc/expt from the Debian package), or,
// for a binary that was never installed, docs/ in the source tree it was built from.

#include <string>

namespace expt {

// "/usr/share/doc/expt", or the source tree's docs/ folder when nothing is installed beside the
// binary.
std::string documentation_folder();

// The sentence help ends with: "Documentation: /usr/share/doc/expt/cli.md, and `man expt`".
std::string documentation_pointer();

}  // namespace expt
