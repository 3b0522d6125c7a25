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

namespace {

void append_string(std::string& out, std::string_view text) {
  out += nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

// Keys in the order dump() writes them (nlohmann keeps objects sorted).
void append_assignment_json(std::string& out, const AssignmentSnapshot& snapshot, std::span<const size_t> layers,
                            std::string_view entity_id, std::optional<int64_t> bundle_version) {
  const bool held = in_global_holdout(snapshot, entity_id);
  out += '{';
  if (bundle_version) out += "\"bundle_version\":" + std::to_string(*bundle_version) + ",";
  out += "\"entity_id\":";
  append_string(out, entity_id);
  out += held ? ",\"in_global_holdout\":true,\"in_holdout\":true,\"layers\":["
              : ",\"in_global_holdout\":false,\"in_holdout\":false,\"layers\":[";
  bool first = true;
  for (size_t layer : layers) {
    LayerAssignment a = assign_in_layer(snapshot, layer, entity_id, held);
    std::string_view experiment = experiment_key(snapshot, a);
    std::string_view variant = variant_key(snapshot, a);
    out += first ? "{\"config\":" : ",{\"config\":";
    first = false;
    const std::string* text = &snapshot.layers[layer].default_config_text;
    if (a.experiment >= 0 && a.variant >= 0) {
      text = &snapshot.experiments[static_cast<size_t>(a.experiment)].variants[static_cast<size_t>(a.variant)].merged_config_text;
    }
    if (text->empty()) {  // a snapshot not finished: the tree's own text
      out += merged_config(snapshot, layer, a).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
      out += *text;
    }
    out += ",\"experiment\":";
    if (experiment.empty()) out += "null"; else append_string(out, experiment);
    out += ",\"namespace\":";
    append_string(out, snapshot.layers[layer].key);
    out += ",\"slot\":" + std::to_string(a.slot) + ",\"variant\":";
    if (variant.empty()) out += "null"; else append_string(out, variant);
    out += '}';
  }
  out += "]}";
}

}  // namespace expt
