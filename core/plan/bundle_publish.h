#pragma once
// Publishing config bundles from the registry: the bundle content of a registry state, and the
// planner `expt export bundle` runs inside its transaction. Document format: core/assign/bundle.h.

#include <nlohmann/json.hpp>

#include "core/base/error.h"
#include "core/registry/state.h"

namespace expt {

// The evaluation content of `state`: format and hash versions, the global holdout, and every
// namespace with its running experiments (slot ranges, variants, allocations, configs). Owners,
// metrics, drafts and stopped experiments are left out.
nlohmann::json bundle_content(const RegistryState& state);

// Plans publishing the bundle of `state`: a new version (max + 1) when the content differs from
// the latest published bundle, otherwise nothing. `current` describes the bundle that is
// current afterwards either way. `state` must be a whole read (not RegistryState::partial).
// Errors (invalid): the new bundle is over what readers load (k_max_bundle_bytes, values or
// depth; core/assign/bundle.h), naming the largest configs.
struct PublishPlan {
  bool is_new = false;
  BundleInfo current;
  ChangeSet changes;  // the new bundle and its audit entry, when is_new
};
Result<PublishPlan> plan_bundle_publish(const RegistryState& state, const AuditStamp& stamp);

}  // namespace expt
