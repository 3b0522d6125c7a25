#pragma once
// What makes a variant set valid for each experiment type: ab has 2 variants, multivariate 3
// or more, and both split all traffic (allocations sum to exactly 1); a rollout has 1 variant
// whose allocation is the rolled-out fraction; a holdout has none. The parser, `expt start`
// and the SDK's bundle loader all apply this one rule.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/assign/experiment_type.h"

namespace expt {

struct VariantSetProblem {
  std::string_view code;  // E020 or E022
  std::string message;
};

// The first problem with a variant set of `type` whose allocations, in basis points, are
// `allocations_bps` (one per variant), or nullopt when valid.
std::optional<VariantSetProblem> variant_set_problem(ExperimentType type, std::span<const uint32_t> allocations_bps);

// Fraction for display: 2500 basis points -> 0.25.
inline double bps_to_fraction(uint32_t bps) { return bps / 10000.0; }

}  // namespace expt
