#include "commands/render/analysis_numbers.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "core/base/name_table.h"

namespace expt {

MetricNumbers::MetricNumbers(const MetricResult& metric)
    : m_percent(metric.metric.type == MetricType::conversion), m_decimals(2) {
  if (m_percent) return;
  double largest = 0;
  for (const VariantEstimate& v : metric.variants) {
    if (v.value && std::isfinite(*v.value)) largest = std::max(largest, std::fabs(*v.value));
  }
  const int magnitude = largest > 0 ? static_cast<int>(std::floor(std::log10(largest))) : 0;
  m_decimals = std::clamp(3 - magnitude, 0, 9);
}

std::string MetricNumbers::value(const std::optional<double>& v) const {
  if (!v) return "-";
  if (m_percent) return fmt::format("{:.{}f}%", *v * 100, m_decimals);
  return fmt::format("{:.{}f}", *v, m_decimals);
}

std::string MetricNumbers::interval(const std::optional<double>& lo, const std::optional<double>& hi) const {
  if (!lo || !hi) return "-";
  return "[" + value(lo) + ", " + value(hi) + "]";
}

std::string MetricNumbers::difference(const std::optional<double>& d) const {
  if (!d) return "-";
  if (m_percent) return fmt::format("{:+.{}f}pp", *d * 100, m_decimals);
  return fmt::format("{:+.{}f}", *d, m_decimals);
}

std::string MetricNumbers::lift(const std::optional<double>& v) {
  return v ? fmt::format("{:+.1f}%", *v * 100) : "-";
}

std::string MetricNumbers::lift_interval(const std::optional<double>& lo, const std::optional<double>& hi) {
  if (!lo || !hi) return "-";
  return "[" + lift(lo) + ", " + lift(hi) + "]";
}

std::string show_p(const std::optional<double>& p) {
  if (!p) return "-";
  if (*p < 0.0001) return "<0.0001";
  return fmt::format("{:.4f}", *p);
}

std::string show_probability(const std::optional<double>& p) {
  if (!p) return "-";
  if (*p > 0.999) return ">99.9%";
  if (*p < 0.001) return "<0.1%";
  return fmt::format("{:.1f}%", *p * 100);
}

std::string csv_number(const std::optional<double>& v) {
  if (!v || !std::isfinite(*v)) return "";
  const std::string rounded = fmt::format("{:.12g}", *v);
  double back = 0;
  std::from_chars(rounded.data(), rounded.data() + rounded.size(), back);
  return fmt::format("{}", back);
}

Verdict verdict_of(const MetricResult& metric, const TreatmentResult& t) {
  if (t.comparison.status != TestStatus::ok) return Verdict::no_result;
  if (t.guardrail && t.guardrail->breached) return Verdict::breach;
  if (t.guardrail && t.guardrail->at_risk) return Verdict::at_risk;
  if (!t.significant || !t.comparison.difference) return Verdict::not_significant;
  const bool up = *t.comparison.difference > 0;
  return up == (metric.good == Direction::increase) ? Verdict::better : Verdict::worse;
}

namespace {
constexpr NameTable<Verdict, 6> k_verdict_names{{
    {Verdict::better, "better"},
    {Verdict::worse, "worse"},
    {Verdict::breach, "BREACH"},
    {Verdict::at_risk, "at risk"},
    {Verdict::not_significant, "not significant"},
    {Verdict::no_result, "no result"},
}};
}  // namespace

std::string_view to_string(Verdict v) { return name_of(k_verdict_names, v); }

bool is_bad(Verdict v) { return v == Verdict::worse || v == Verdict::breach || v == Verdict::at_risk; }

}  // namespace expt
