#include "core/stats/corrections.h"

#include <algorithm>
#include <numeric>

namespace expt {

std::string_view to_string(Correction c) {
  switch (c) {
    case Correction::holm: return "holm";
    case Correction::bonferroni: return "bonferroni";
    case Correction::benjamini_hochberg: return "bh";
    case Correction::none: return "none";
  }
  return "?";
}

std::optional<Correction> parse_correction(std::string_view s) {
  if (s == "holm") return Correction::holm;
  if (s == "bonferroni") return Correction::bonferroni;
  if (s == "bh") return Correction::benjamini_hochberg;
  if (s == "none") return Correction::none;
  return std::nullopt;
}

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

std::string_view to_string(CorrectionScope s) { return s == CorrectionScope::all ? "all" : "primary"; }

std::optional<CorrectionScope> parse_correction_scope(std::string_view s) {
  if (s == "primary") return CorrectionScope::primary;
  if (s == "all") return CorrectionScope::all;
  return std::nullopt;
}

}  // namespace expt
