#pragma once
// Which layers of a snapshot a request means: the namespaces named, in the order named, or every
// layer when none is. An unknown name is a not_found Error with the closest name.

#include <string>
#include <vector>

#include "core/assign/assignment.h"
#include "core/base/error.h"

namespace expt {

Result<std::vector<size_t>> select_layers(const AssignmentSnapshot& snapshot, const std::vector<std::string>& names);

}  // namespace expt
