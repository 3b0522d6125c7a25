#pragma once
// One entity's assignment in every chosen layer as JSON: the shape `expt assign --format json`
// prints per entity and `POST /v1/assign` answers with, so both stay the same.
//   {"entity_id", "in_global_holdout", "layers": [{"namespace", "experiment", "variant", "slot", "config"}]}
// experiment and variant are null where the entity is in no experiment of the layer.

#include <span>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/assign/assignment.h"

namespace expt {

nlohmann::json assignment_json(const AssignmentSnapshot& snapshot, std::span<const size_t> layers,
                               std::string_view entity_id);

}  // namespace expt
