#pragma once
// Multiple-comparison corrections over the p-values of one experiment's primary metrics x
// treatment variants: Holm's step-down (controls the family-wise error rate; the default) and
// Benjamini-Hochberg's step-up (controls the false discovery rate).

#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace expt {

enum class Correction { holm, benjamini_hochberg, none };
std::string_view to_string(Correction);
std::optional<Correction> parse_correction(std::string_view);

// Adjusted p-values in the order of `p_values`, each capped at 1.
std::vector<double> adjust_p_values(std::span<const double> p_values, Correction correction);

}  // namespace expt
