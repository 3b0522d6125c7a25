#pragma once
// The assignment snapshot of a registry state: what `expt assign` and `expt analyze` evaluate
// when they read the registry instead of a bundle. Equal to the snapshot of the bundle that
// `expt export bundle` would publish from the same state.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/assign/assignment.h"
#include "core/registry/state.h"

namespace expt {

// Builds the snapshot of every namespace and every running experiment in `state`. An experiment
// named `also_active` is included whatever its status (analysis recomputes the assignments of
// stopped experiments); it must hold slots to be included.
AssignmentSnapshot snapshot_from_registry(const RegistryState& state, std::string_view also_active = {});

// An experiment's variants recomputed by hashing, as assignment would have made them (also after
// the experiment stopped): for exposure rows that carry no variant.
class VariantRecomputer {
 public:
  // nullopt when `experiment` holds no slots (nothing can be recomputed).
  static std::optional<VariantRecomputer> of(const RegistryState& state, const ExperimentRecord& experiment);
  // The entity's index among the experiment's variants, or -1 when it is not in the experiment.
  int operator()(std::string_view entity) const;

 private:
  AssignmentSnapshot m_snapshot;
  size_t m_layer = 0;
  std::string m_experiment;
  std::vector<std::string> m_variants;
};

}  // namespace expt
