#include "core/analysis/finding_text.h"

#include <cmath>

#include <fmt/format.h>

namespace expt {

std::string srm_mismatch_sentence(double p_value, std::string_view experiment) {
  return fmt::format("sample ratio mismatch{}{}: p = {:.3g} < {}; {}", experiment.empty() ? "" : " in ", experiment, p_value,
                     k_srm_threshold_text, k_srm_consequence);
}

std::vector<std::string> describe_breaches(const AnalysisReport& report) {
  std::vector<std::string> out;
  const int level = static_cast<int>(std::round(report.options.test.confidence * 100));
  for (const MetricResult& m : report.metrics) {
    for (const TreatmentResult& t : m.treatments) {
      if (!t.guardrail || !t.guardrail->breached) continue;
      const GuardrailCheck& g = *t.guardrail;
      const bool relative = g.threshold_type == ThresholdType::relative;
      auto show = [&](double v) {
        if (relative) return fmt::format("{:.3g}%", v * 100);
        if (m.metric.type == MetricType::conversion) return fmt::format("{:.3g}pp", v * 100);  // rates: percentage points
        return fmt::format("{:.4g}", v);
      };
      out.push_back(fmt::format("guardrail {} breached in variant {}: {} worse ({}% CI {} to {}), tolerated {}",
                                m.metric.key, t.variant, show(*g.degradation), level, show(*g.degradation_ci_low),
                                show(*g.degradation_ci_high), show(g.threshold)));
    }
  }
  return out;
}

}  // namespace expt
