#include "core/assign/assignment.h"

namespace expt {

int AssignmentSnapshot::layer_index(std::string_view key) const {
  for (size_t i = 0; i < layers.size(); ++i) {
    if (layers[i].key == key) return static_cast<int>(i);
  }
  return -1;
}

void finish_snapshot(AssignmentSnapshot& snapshot) {
  for (SnapshotExperiment& e : snapshot.experiments) {
    for (SnapshotVariant& v : e.variants) {
      v.merged_config = snapshot.layers[e.layer].default_config;
      v.merged_config.merge_patch(v.config);
    }
  }
}

bool in_global_holdout(const AssignmentSnapshot& snapshot, std::string_view entity_id) noexcept {
  if (!snapshot.global_holdout) return false;
  const SnapshotHoldout& h = *snapshot.global_holdout;
  return bucket_of(unit_hash(snapshot.hash_version, h.key, entity_id)) < h.percent_bps;
}

LayerAssignment assign_in_layer(const AssignmentSnapshot& snapshot, size_t layer, std::string_view entity_id,
                                bool held_out) noexcept {
  const SnapshotLayer& l = snapshot.layers[layer];
  LayerAssignment a;
  a.slot = slot_of(unit_hash(snapshot.hash_version, l.key, entity_id), l.total_slots);
  if (held_out) {
    a.in_global_holdout = true;
    return a;
  }
  const int32_t owner = l.slot_owner[a.slot];
  if (owner < 0) return a;
  const SnapshotExperiment& e = snapshot.experiments[static_cast<size_t>(owner)];
  if (e.type == ExperimentType::holdout) {
    a.experiment = owner;
    return a;
  }
  const uint32_t bucket = bucket_of(unit_hash(snapshot.hash_version, e.key, entity_id));
  for (size_t i = 0; i < e.variants.size(); ++i) {
    if (bucket < e.variants[i].end_bps) {
      a.experiment = owner;
      a.variant = static_cast<int32_t>(i);
      return a;
    }
  }
  return a;  // past a rollout's fraction: not in the experiment
}

std::string_view experiment_key(const AssignmentSnapshot& snapshot, const LayerAssignment& a) {
  if (a.experiment < 0) return {};
  return snapshot.experiments[static_cast<size_t>(a.experiment)].key;
}

std::string_view variant_key(const AssignmentSnapshot& snapshot, const LayerAssignment& a) {
  if (a.experiment < 0) return {};
  const SnapshotExperiment& e = snapshot.experiments[static_cast<size_t>(a.experiment)];
  if (a.variant < 0) return e.type == ExperimentType::holdout ? k_holdout_variant : std::string_view();
  return e.variants[static_cast<size_t>(a.variant)].key;
}

const nlohmann::json& merged_config(const AssignmentSnapshot& snapshot, size_t layer, const LayerAssignment& a) {
  if (a.experiment >= 0 && a.variant >= 0) {
    return snapshot.experiments[static_cast<size_t>(a.experiment)].variants[static_cast<size_t>(a.variant)].merged_config;
  }
  return snapshot.layers[layer].default_config;
}

}  // namespace expt
