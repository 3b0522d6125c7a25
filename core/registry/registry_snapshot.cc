#include "core/registry/registry_snapshot.h"

namespace expt {

AssignmentSnapshot snapshot_from_registry(const RegistryState& state, std::string_view also_active) {
  AssignmentSnapshot snapshot;
  snapshot.hash_version = state.hash_version;
  if (state.global_holdout && state.global_holdout->spec.percent_bps > 0) {
    snapshot.global_holdout = SnapshotHoldout{state.global_holdout->spec.key, state.global_holdout->spec.percent_bps};
  }
  for (const NamespaceRecord& ns : state.namespaces) {
    SnapshotLayer layer;
    layer.key = ns.spec.key;
    layer.total_slots = ns.spec.total_slots;
    layer.default_config = ns.spec.default_config;
    layer.slot_owner.assign(ns.spec.total_slots, -1);
    for (const ExperimentRecord& e : state.experiments) {
      const bool active = e.status == ExperimentStatus::running || (!also_active.empty() && e.spec.key == also_active);
      if (!active || e.spec.namespace_key != ns.spec.key || !e.slots) continue;
      SnapshotExperiment se;
      se.key = e.spec.key;
      se.layer = snapshot.layers.size();
      se.type = e.spec.type;
      se.slots = *e.slots;
      uint32_t end = 0;
      for (const VariantSpec& v : e.spec.variants) {
        end += v.allocation_bps;
        se.variants.push_back(SnapshotVariant{v.key, end, v.config, {}, {}});
      }
      const auto index = static_cast<int32_t>(snapshot.experiments.size());
      for (uint32_t slot = se.slots.start; slot <= se.slots.end && slot < layer.total_slots; ++slot) {
        layer.slot_owner[slot] = index;
      }
      snapshot.experiments.push_back(std::move(se));
    }
    snapshot.layers.push_back(std::move(layer));
  }
  finish_snapshot(snapshot);
  return snapshot;
}

std::optional<VariantRecomputer> VariantRecomputer::of(const RegistryState& state, const ExperimentRecord& experiment) {
  if (!experiment.slots) return std::nullopt;
  VariantRecomputer r;
  r.m_snapshot = snapshot_from_registry(state, experiment.spec.key);
  const int layer = r.m_snapshot.layer_index(experiment.spec.namespace_key);
  if (layer < 0) return std::nullopt;
  r.m_layer = static_cast<size_t>(layer);
  r.m_experiment = experiment.spec.key;
  for (const VariantSpec& v : experiment.spec.variants) r.m_variants.push_back(v.key);
  return r;
}

int VariantRecomputer::operator()(std::string_view entity) const {
  const bool held = in_global_holdout(m_snapshot, entity);
  LayerAssignment a = assign_in_layer(m_snapshot, m_layer, entity, held);
  if (experiment_key(m_snapshot, a) != m_experiment) return -1;
  std::string_view v = variant_key(m_snapshot, a);
  for (size_t i = 0; i < m_variants.size(); ++i) {
    if (m_variants[i] == v) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace expt
