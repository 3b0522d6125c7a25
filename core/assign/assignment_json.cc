#include "core/assign/assignment_json.h"

namespace expt {

nlohmann::json assignment_json(const AssignmentSnapshot& snapshot, std::span<const size_t> layers,
                               std::string_view entity_id) {
  const bool held = in_global_holdout(snapshot, entity_id);
  nlohmann::json per_layer = nlohmann::json::array();
  for (size_t layer : layers) {
    LayerAssignment a = assign_in_layer(snapshot, layer, entity_id, held);
    std::string_view experiment = experiment_key(snapshot, a);
    std::string_view variant = variant_key(snapshot, a);
    per_layer.push_back({{"namespace", snapshot.layers[layer].key},
                         {"experiment", experiment.empty() ? nlohmann::json() : nlohmann::json(experiment)},
                         {"variant", variant.empty() ? nlohmann::json() : nlohmann::json(variant)},
                         {"slot", a.slot},
                         {"config", merged_config(snapshot, layer, a)}});
  }
  return {{"entity_id", entity_id}, {"in_holdout", held}, {"in_global_holdout", held}, {"layers", std::move(per_layer)}};
}

}  // namespace expt
