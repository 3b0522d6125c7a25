#pragma once
// Assignment of entities to experiments and variants, layer by layer, from an immutable
// snapshot. The snapshot is built once (from a bundle, or from the registry by
// core/registry/registry_snapshot.h) and then only read, so
// one snapshot may serve any number of threads. The per-entity functions never allocate and
// never touch the registry. Algorithm and its frozen contract: docs/hashing.md.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/assign/experiment_type.h"
#include "core/assign/fast_modulo.h"
#include "core/assign/hash.h"
#include "core/assign/slot_range.h"

namespace expt {

// What holdout-type experiments report as the variant of the entities in their slots.
inline constexpr std::string_view k_holdout_variant = "holdout";

struct SnapshotVariant {
  std::string key;
  uint32_t end_bps = 0;  // exclusive end of this variant's buckets; buckets are cumulative
  nlohmann::json config = nlohmann::json::object();  // the variant's own config
  nlohmann::json merged_config = nlohmann::json::object();  // set by finish_snapshot()
  std::string merged_config_text;  // merged_config as compact JSON, set by finish_snapshot()
};

struct SnapshotExperiment {
  std::string key;
  size_t layer = 0;  // index into AssignmentSnapshot::layers
  ExperimentType type = ExperimentType::ab;
  SlotRange slots;
  std::vector<SnapshotVariant> variants;  // empty for holdout experiments
};

struct SnapshotLayer {
  std::string key;  // the namespace key, which is also the slot hash salt
  uint32_t total_slots = 0;
  nlohmann::json default_config = nlohmann::json::object();
  std::string default_config_text;  // default_config as compact JSON, set by finish_snapshot()
  std::vector<int32_t> slot_owner;  // per slot: index into AssignmentSnapshot::experiments, or -1
  FastModulo slots;  // total_slots as a multiplier, set by finish_snapshot()
};

struct SnapshotHoldout {
  std::string key;  // the holdout hash salt
  uint32_t percent_bps = 0;
};

struct AssignmentSnapshot {
  HashVersion hash_version = k_current_hash_version;
  std::optional<SnapshotHoldout> global_holdout;
  std::vector<SnapshotLayer> layers;            // sorted by key
  std::vector<SnapshotExperiment> experiments;  // only running experiments

  // The index of layer `key`, or -1.
  int layer_index(std::string_view key) const;
};

// Completes a snapshot built by hand or from a bundle: merges each variant's config over its
// layer's default_config once, so evaluation hands out references instead of merging per call,
// keeps each config's JSON text (answers are written without building a JSON tree), and turns
// each slot count into a multiplier (assignment falls back to division without it).
void finish_snapshot(AssignmentSnapshot& snapshot);

struct LayerAssignment {
  uint32_t slot = 0;
  int32_t experiment = -1;  // index into AssignmentSnapshot::experiments; -1: none
  int32_t variant = -1;     // index into the experiment's variants; -1: the default config
  bool in_global_holdout = false;
};

// True when `entity_id` is in the global holdout: XXH64("<key>:<id>") mod 10000 < percent_bps.
bool in_global_holdout(const AssignmentSnapshot& snapshot, std::string_view entity_id) noexcept;

// The entity's slot, experiment and variant in layer `layer` (an index into snapshot.layers).
// `held_out` is in_global_holdout() for the entity, computed once for all its layers: a held-out
// entity is in no experiment. In a holdout-type experiment's slots the entity is in that
// experiment with variant -1. Past a rollout's fraction it is in no experiment.
LayerAssignment assign_in_layer(const AssignmentSnapshot& snapshot, size_t layer, std::string_view entity_id,
                                bool held_out) noexcept;

// assign_in_layer() for layers first .. first + out.size() - 1 at once, into `out`: the same
// results, computed stage by stage across the layers so their hashes overlap.
void assign_in_layers(const AssignmentSnapshot& snapshot, size_t first, std::string_view entity_id, bool held_out,
                      std::span<LayerAssignment> out) noexcept;

// The experiment key, or "" when none.
std::string_view experiment_key(const AssignmentSnapshot& snapshot, const LayerAssignment& a);
// The variant key: the variant's key, "holdout" in a holdout experiment, "" when none.
std::string_view variant_key(const AssignmentSnapshot& snapshot, const LayerAssignment& a);

// The config the entity sees in the layer: the namespace's default_config with the variant's
// config merged over it as an RFC 7386 merge patch. The reference lives as long as `snapshot`.
const nlohmann::json& merged_config(const AssignmentSnapshot& snapshot, size_t layer, const LayerAssignment& a);

}  // namespace expt
