#include "core/stats/corrections.h"

#include <algorithm>
#include <numeric>

#include "core/base/name_table.h"

namespace expt {

namespace {
constexpr NameTable<Correction, 4> k_correction_names{{
    {Correction::holm, "holm"},
    {Correction::bonferroni, "bonferroni"},
    {Correction::benjamini_hochberg, "bh"},
    {Correction::none, "none"},
}};
}  // namespace

std::string_view to_string(Correction c) { return name_of(k_correction_names, c); }

std::optional<Correction> parse_correction(std::string_view s) { return value_of(k_correction_names, s); }

std::vector<double> adjust_p_values(std::span<const double> p, Correction correction) {
  const size_t m = p.size();
  std::vector<double> adjusted(p.begin(), p.end());
  if (m == 0 || correction == Correction::none) return adjusted;
  std::vector<size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p[a] < p[b]; });
  const double mm = static_cast<double>(m);
  if (correction == Correction::bonferroni) {
    for (double& x : adjusted) x = std::min(1.0, mm * x);
  } else if (correction == Correction::holm) {
    double running = 0;
    for (size_t k = 0; k < m; ++k) {
      running = std::max(running, std::min(1.0, (mm - static_cast<double>(k)) * p[order[k]]));
      adjusted[order[k]] = running;
    }
  } else {
    double running = 1;
    for (size_t k = m; k-- > 0;) {
      running = std::min(running, std::min(1.0, mm * p[order[k]] / static_cast<double>(k + 1)));
      adjusted[order[k]] = running;
    }
  }
  return adjusted;
}


namespace {
constexpr NameTable<CorrectionScope, 2> k_correction_scope_names{{
    {CorrectionScope::primary, "primary"},
    {CorrectionScope::all, "all"},
}};
}  // namespace

std::string_view to_string(CorrectionScope s) { return name_of(k_correction_scope_names, s); }

std::optional<CorrectionScope> parse_correction_scope(std::string_view s) { return value_of(k_correction_scope_names, s); }

}  // namespace expt
