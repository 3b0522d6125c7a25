#include "core/assign/variant_set.h"

#include <charconv>

#include "core/base/finding_codes.h"

namespace expt {

namespace {
// The shortest text that reads back as `x`, as fmt's "{}" writes it.
std::string shortest(double x) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, x);
  return std::string(buffer, end);
}
}  // namespace

std::optional<VariantSetProblem> variant_set_problem(ExperimentType type, std::span<const uint32_t> allocations_bps) {
  const std::string n = std::to_string(allocations_bps.size());
  switch (type) {
    case ExperimentType::holdout:
      if (!allocations_bps.empty()) {
        return VariantSetProblem{code::variant_count,
                                 "a holdout experiment serves the namespace default config and has no variants; "
                                 "remove 'variants'"};
      }
      return std::nullopt;
    case ExperimentType::rollout:
      if (allocations_bps.size() != 1) {
        return VariantSetProblem{
            code::variant_count,
            "a rollout has exactly 1 variant (its allocation is the rolled-out fraction), got " + n};
      }
      return std::nullopt;
    case ExperimentType::ab:
      if (allocations_bps.size() != 2) {
        return VariantSetProblem{code::variant_count,
                                 "an ab experiment has exactly 2 variants (control first), got " + n +
                                     "; use type multivariate for more"};
      }
      break;
    case ExperimentType::multivariate:
      if (allocations_bps.size() < 3) {
        return VariantSetProblem{
            code::variant_count,
            "a multivariate experiment has 3 or more variants, got " + n + "; use type ab for two"};
      }
      break;
  }
  uint32_t sum = 0;
  for (uint32_t bps : allocations_bps) sum += bps;
  if (sum != 10000) {
    return VariantSetProblem{code::allocation_sum,
                             "variant allocations sum to " + shortest(bps_to_fraction(sum)) + ", expected 1"};
  }
  return std::nullopt;
}

}  // namespace expt
