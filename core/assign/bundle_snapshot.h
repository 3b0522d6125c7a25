#pragma once
// Turns a published bundle document into the AssignmentSnapshot that assignment runs on, so a
// bundle and the registry it came from assign every entity identically. Validates what
// assignment relies on, since a bundle may come from anywhere.

#include <string>

#include <nlohmann/json.hpp>

#include "core/assign/assignment.h"
#include "core/base/error.h"

namespace expt {

// The snapshot of `document` (named `name` in errors). Errors name the offending field as a
// JSON pointer: unknown format or hash version, a content hash that does not match, slot ranges
// out of bounds or overlapping, variant sets that do not fit their type.
Result<AssignmentSnapshot> snapshot_from_bundle(const nlohmann::json& document, const std::string& name);

}  // namespace expt
