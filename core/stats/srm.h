#pragma once
// Sample ratio mismatch: Pearson's chi-square goodness-of-fit test of the exposure counts per
// variant against the allocation weights. A mismatch means the assignment or the logging is
// broken, so every other result of the experiment is suspect.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace expt {

inline constexpr double k_srm_threshold = 0.001;
inline constexpr const char* k_srm_threshold_text = "0.001";  // as sentences print it

struct SrmResult {
  std::vector<double> expected;  // counts the weights predict
  std::optional<double> chi_square;
  int degrees_of_freedom = 0;
  std::optional<double> p_value;  // empty when there are no exposures or one variant
  bool mismatch = false;          // p_value < k_srm_threshold
};

// `weights` are the variants' allocations (any positive scale); `observed` the counts.
SrmResult sample_ratio_test(std::span<const int64_t> observed, std::span<const double> weights);

}  // namespace expt
