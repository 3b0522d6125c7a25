#pragma once
// What makes a variant set valid for each experiment type: ab has 2 variants, multivariate 3
// or more, and both split all traffic (allocations sum to exactly 1); a rollout has 1 variant
// whose allocation is the rolled-out fraction; a holdout has none. The parser and `expt start`
// both apply this rule.

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/spec.h"

namespace expt {

struct VariantSetProblem {
  std::string_view code;  // E020 or E022
  std::string message;
};

// The first problem with `variants` for an experiment of `type`, or nullopt when valid.
std::optional<VariantSetProblem> variant_set_problem(ExperimentType type, std::span<const VariantSpec> variants);

}  // namespace expt
