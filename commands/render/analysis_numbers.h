#pragma once
// How an analysis shows numbers to people: one precision per metric (so a column never mixes
// 3.571 with 5.18), rates as percentages, lifts with one decimal, probabilities that never round
// to a certainty (">99.9%"), and a verdict word that tells a win from a harm.

#include <optional>
#include <string>

#include "core/analysis/experiment_analysis.h"

namespace expt {

class MetricNumbers {
 public:
  // Precision from the metric's type and the magnitude of its values: 4 significant digits at
  // the largest variant value, the same decimals for every value, interval and difference.
  explicit MetricNumbers(const MetricResult& metric);

  std::string value(const std::optional<double>& v) const;                          // "4.62%", "3.027"
  std::string interval(const std::optional<double>& lo, const std::optional<double>& hi) const;  // "[3.87%, 5.38%]"
  std::string difference(const std::optional<double>& d) const;                     // "+2.27pp", "+1.349"
  static std::string lift(const std::optional<double>& v);                         // "+49.2%"
  static std::string lift_interval(const std::optional<double>& lo, const std::optional<double>& hi);

 private:
  bool m_percent;
  int m_decimals;
};

std::string show_p(const std::optional<double>& p);            // "0.0111", "<0.0001"
std::string show_probability(const std::optional<double>& p);  // "99.4%", ">99.9%", "<0.1%"

// A number for CSV: rounded to 12 significant digits (dropping the last bits of summation noise),
// then written in the shortest form that reads back as that value.
std::string csv_number(const std::optional<double>& v);

enum class Verdict { better, worse, breach, at_risk, not_significant, no_result };

// better/worse: significant in the metric's good/bad direction; breach/at_risk: guardrails.
Verdict verdict_of(const MetricResult& metric, const TreatmentResult& treatment);
std::string_view to_string(Verdict);
bool is_bad(Verdict);

}  // namespace expt
