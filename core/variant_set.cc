#include "core/variant_set.h"

#include <fmt/format.h>

#include "core/finding_codes.h"

namespace expt {

std::optional<VariantSetProblem> variant_set_problem(ExperimentType type, std::span<const VariantSpec> variants) {
  size_t n = variants.size();
  switch (type) {
    case ExperimentType::holdout:
      if (n != 0) {
        return VariantSetProblem{code::variant_count,
                                 "a holdout experiment serves the namespace default config and has no variants; "
                                 "remove 'variants'"};
      }
      return std::nullopt;
    case ExperimentType::rollout:
      if (n != 1) {
        return VariantSetProblem{
            code::variant_count,
            fmt::format("a rollout has exactly 1 variant (its allocation is the rolled-out fraction), got {}", n)};
      }
      return std::nullopt;
    case ExperimentType::ab:
      if (n != 2) {
        return VariantSetProblem{code::variant_count,
                                 fmt::format("an ab experiment has exactly 2 variants (control first), got {}; use "
                                             "type multivariate for more",
                                             n)};
      }
      break;
    case ExperimentType::multivariate:
      if (n < 3) {
        return VariantSetProblem{
            code::variant_count,
            fmt::format("a multivariate experiment has 3 or more variants, got {}; use type ab for two", n)};
      }
      break;
  }
  uint32_t sum = 0;
  for (const VariantSpec& v : variants) sum += v.allocation_bps;
  if (sum != 10000) {
    return VariantSetProblem{code::allocation_sum,
                             fmt::format("variant allocations sum to {}, expected 1", bps_to_fraction(sum))};
  }
  return std::nullopt;
}

}  // namespace expt
