#pragma once
// Multiple-comparison corrections over the p-values of one experiment's primary metrics x
// treatment variants (or every metric's, with the scope `all`): Bonferroni (each p times the
// family's size) and Holm's step-down (both control the family-wise error rate; Holm is the
// default and never less powerful), and Benjamini-Hochberg's step-up (the false discovery rate).

#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace expt {

enum class Correction { holm, bonferroni, benjamini_hochberg, none };
std::string_view to_string(Correction);
std::optional<Correction> parse_correction(std::string_view);

// Adjusted p-values in the order of `p_values`, each capped at 1.
std::vector<double> adjust_p_values(std::span<const double> p_values, Correction correction);

// Which comparisons form the family: the primary metrics' (the default), or every metric's.
enum class CorrectionScope { primary, all };
std::string_view to_string(CorrectionScope);
std::optional<CorrectionScope> parse_correction_scope(std::string_view);

}  // namespace expt
