#include "core/assign/assignment.h"

namespace expt {

int AssignmentSnapshot::layer_index(std::string_view key) const {
  for (size_t i = 0; i < layers.size(); ++i) {
    if (layers[i].key == key) return static_cast<int>(i);
  }
  return -1;
}

void finish_snapshot(AssignmentSnapshot& snapshot) {
  auto text = [](const nlohmann::json& config) {
    return config.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  for (SnapshotLayer& l : snapshot.layers) {
    if (l.total_slots > 0) l.slots = FastModulo(l.total_slots);
    l.default_config_text = text(l.default_config);
  }
  for (SnapshotExperiment& e : snapshot.experiments) {
    for (SnapshotVariant& v : e.variants) {
      v.merged_config = snapshot.layers[e.layer].default_config;
      v.merged_config.merge_patch(v.config);
      v.merged_config_text = text(v.merged_config);
    }
  }
}

bool in_global_holdout(const AssignmentSnapshot& snapshot, std::string_view entity_id) noexcept {
  if (!snapshot.global_holdout) return false;
  const SnapshotHoldout& h = *snapshot.global_holdout;
  return bucket_of(unit_hash(snapshot.hash_version, h.key, entity_id)) < h.percent_bps;
}

namespace {

// The steps of the algorithm (docs/hashing.md), shared by the one-layer and the batch forms.
inline uint32_t slot_in(const SnapshotLayer& l, uint64_t slot_hash) {
  // The multiplier when it matches the slot count (a snapshot finished after its last change).
  return l.slots.divisor() == l.total_slots ? l.slots.of(slot_hash) : slot_of(slot_hash, l.total_slots);
}

// The variant whose buckets hold `bucket`, or -1 past a rollout's fraction.
inline int32_t variant_at(const SnapshotExperiment& e, uint32_t bucket) {
  for (size_t i = 0; i < e.variants.size(); ++i) {
    if (bucket < e.variants[i].end_bps) return static_cast<int32_t>(i);
  }
  return -1;
}

// Sets the experiment and variant of `a` (slot already set) once the bucket is known.
inline void place(LayerAssignment& a, int32_t owner, const SnapshotExperiment& e, uint32_t bucket) {
  a.variant = variant_at(e, bucket);
  if (a.variant >= 0) a.experiment = owner;  // past a rollout's fraction: not in the experiment
}

}  // namespace

LayerAssignment assign_in_layer(const AssignmentSnapshot& snapshot, size_t layer, std::string_view entity_id,
                                bool held_out) noexcept {
  const SnapshotLayer& l = snapshot.layers[layer];
  LayerAssignment a;
  a.slot = slot_in(l, unit_hash(snapshot.hash_version, l.key, entity_id));
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
  place(a, owner, e, bucket_of(unit_hash(snapshot.hash_version, e.key, entity_id)));
  return a;
}

void assign_in_layers(const AssignmentSnapshot& snapshot, size_t first, std::string_view entity_id, bool held_out,
                      std::span<LayerAssignment> out) noexcept {
  // Stage by stage, so the hashes of different layers are independent work the CPU overlaps,
  // instead of one layer's chain of hash, slot lookup, hash and bucket at a time.
  const size_t count = out.size();
  for (size_t i = 0; i < count; ++i) {
    const SnapshotLayer& l = snapshot.layers[first + i];
    out[i] = LayerAssignment{};
    out[i].slot = slot_in(l, unit_hash(snapshot.hash_version, l.key, entity_id));
    out[i].in_global_holdout = held_out;
  }
  if (held_out) return;
  for (size_t i = 0; i < count; ++i) {
    const int32_t owner = snapshot.layers[first + i].slot_owner[out[i].slot];
    if (owner >= 0 && snapshot.experiments[static_cast<size_t>(owner)].type == ExperimentType::holdout) {
      out[i].experiment = owner;
    } else {
      out[i].experiment = owner < 0 ? -1 : -2 - owner;  // -2 - owner: waiting for its bucket
    }
  }
  for (size_t i = 0; i < count; ++i) {
    if (out[i].experiment > -2) continue;
    const int32_t owner = -2 - out[i].experiment;
    const SnapshotExperiment& e = snapshot.experiments[static_cast<size_t>(owner)];
    out[i].experiment = -1;
    place(out[i], owner, e, bucket_of(unit_hash(snapshot.hash_version, e.key, entity_id)));
  }
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
