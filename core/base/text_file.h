#pragma once
// Reading a whole (small) file into memory: specs, bundles, diffs. Streaming inputs (CSV) go
// through CsvReader instead.

#include <string>

#include "core/base/error.h"

namespace expt {

// The bytes of `path`. Error (io, naming the file): it is missing or unreadable.
Result<std::string> read_text_file(const std::string& path);

}  // namespace expt
