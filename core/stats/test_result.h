#pragma once
// The shape every statistical test returns. Degenerate inputs are results, not errors: they
// carry a status and leave undefined fields empty (rendered as null in JSON, "-" in tables), so
// no NaN ever leaks into output and the exit code is not affected.

#include <cstdint>
#include <optional>
#include <string_view>

namespace expt {

enum class TestStatus {
  ok,
  no_data,            // a variant has no entities (or no values)
  insufficient_data,  // fewer than 2 entities in a variant: no variance
  zero_variance,      // both variants constant: the difference is exact, there is no test
  zero_denominator,   // a ratio's denominator (or a percentile's spread) is zero
};
std::string_view to_string(TestStatus status);

struct TestConfig {
  double confidence = 0.95;  // for every interval; two-sided
};

// One variant's value with its uncertainty.
struct VariantEstimate {
  int64_t n = 0;       // entities
  int64_t events = 0;  // percentile metrics: values ranked
  std::optional<double> value;
  std::optional<double> se;
  std::optional<double> ci_low;
  std::optional<double> ci_high;
};

// Treatment against control. `difference` is treatment minus control in metric units; `lift`
// is treatment / control - 1 (empty when the control value is 0).
struct Comparison {
  TestStatus status = TestStatus::ok;
  std::optional<double> difference;
  std::optional<double> difference_se;
  std::optional<double> difference_ci_low;
  std::optional<double> difference_ci_high;
  std::optional<double> lift;
  std::optional<double> lift_se;
  std::optional<double> lift_ci_low;
  std::optional<double> lift_ci_high;
  std::optional<double> statistic;  // t (Welch) or z
  std::optional<double> df;         // Welch-Satterthwaite degrees of freedom
  std::optional<double> p_value;    // two-sided
  std::optional<double> z_p_value;  // conversion metrics: the unpooled two-proportion z-test
  std::optional<double> fisher_p_value;  // conversion metrics with an expected cell below 5: Fisher's exact test
};

}  // namespace expt
