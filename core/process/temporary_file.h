#pragma once
// Scratch files that cannot outlive the process: created in a folder and unlinked at once, so
// they vanish with their last descriptor, also when the process is killed.

#include <string>
#include <string_view>

#include "core/base/error.h"

namespace expt {

// $TMPDIR, else /tmp.
std::string temporary_directory();

// A new, already unlinked file in `directory`, open for reading and writing; the caller closes
// the descriptor. Error (io): it cannot be created, naming the folder and `purpose`.
Result<int> create_unlinked_file(const std::string& directory, std::string_view purpose);

}  // namespace expt
