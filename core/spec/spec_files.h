#pragma once
// Reads spec inputs for `create` and `lint`: files, folders (recursively, every *.yaml and
// *.yml, in sorted order) and `-` for stdin, parsed into one SpecSet.

#include <istream>
#include <string>
#include <vector>

#include "core/base/diagnostic.h"
#include "core/spec/spec.h"

namespace expt {

struct SpecInputs {
  SpecSet specs;
  std::vector<Error> errors;  // parse errors in file order, plus unreadable inputs
  SourceTexts sources;        // the text of every file read, for diagnostics
  size_t files = 0;
  size_t documents = 0;
};

// Reads and parses every input. An input that cannot be read is an io Error in `errors`.
SpecInputs read_spec_inputs(const std::vector<std::string>& inputs, std::istream& stdin_stream);

}  // namespace expt
