#pragma once
// One entity's assignment in every chosen layer as JSON: the one shape that `expt assign
// --format json` prints per entity, `POST /v1/assign` answers with and `expt watch --entity`
// prints per version (docs/assignment.schema.json; the rows of `assign --format jsonl|csv` carry
// the same names):
//   {"entity_id", "in_holdout", "layers": [{"namespace", "experiment", "variant", "slot", "config"}]}
// experiment and variant are null where the entity is in no experiment of the layer.
// "in_global_holdout", the old name of in_holdout, is kept for one release (until 0.3.0).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/assign/assignment.h"

namespace expt {

nlohmann::json assignment_json(const AssignmentSnapshot& snapshot, std::span<const size_t> layers,
                               std::string_view entity_id);

// Appends the text of assignment_json(...) with "bundle_version" added when given, byte for byte
// what its dump() would be, written directly from the configs' text that finish_snapshot() kept:
// a remote evaluation answers without building and freeing a tree of every config.
void append_assignment_json(std::string& out, const AssignmentSnapshot& snapshot, std::span<const size_t> layers,
                            std::string_view entity_id, std::optional<int64_t> bundle_version = std::nullopt);

}  // namespace expt
