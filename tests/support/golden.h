#pragma once
// Comparing computed numbers with reference fixtures at a stated tolerance.

#include <cmath>
#include <optional>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace expt::testing {

// Relative 1e-6 (absolute 1e-9 near zero): the tolerance for methods that are exact up to
// floating point. A null reference expects an empty value.
inline bool matches(const std::optional<double>& actual, const nlohmann::json& expected, double rel = 1e-6,
                    double abs = 1e-9) {
  if (expected.is_null()) return !actual.has_value();
  if (!actual) return false;
  const double e = expected.get<double>();
  return std::fabs(*actual - e) <= std::max(abs, rel * std::fabs(e));
}

inline std::string describe(const std::optional<double>& actual, const nlohmann::json& expected) {
  std::ostringstream out;
  out.precision(15);
  out << "actual " << (actual ? std::to_string(*actual) : std::string("none")) << " (";
  if (actual) out << *actual;
  out << "), expected " << expected.dump();
  return out.str();
}

}  // namespace expt::testing
