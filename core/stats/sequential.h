#pragma once
// Always-valid inference for experiments that are looked at while they run: asymptotic
// confidence sequences (Waudby-Smith, Arnold, Wu, Howard and Ramdas, "Time-uniform central limit
// theory and asymptotic confidence sequences", arXiv 2103.06476), in the form GrowthBook and Eppo
// use. With N entities in the two variants, alpha = 1 - confidence and a tuning size N* (the
// sample size at which the sequence is tightest; default 5,000), the interval of an estimate with
// fixed-horizon standard error SE is estimate +- m * SE, where
//   rho^2 = (-2 ln alpha + ln(-2 ln alpha + 1)) / N*
//   m     = sqrt(2 (N rho^2 + 1) ln(sqrt(N rho^2 + 1) / alpha) / (N rho^2)),
// and the always-valid p-value of z = estimate / SE is
//   p = min(1, sqrt(N rho^2 + 1) exp(-z^2 N rho^2 / (2 (N rho^2 + 1)))).
// A test that rejects when p < alpha, however often it is looked at, keeps its false positive
// rate at alpha. docs/statistics.md derives p and gives the checks.

#include <cstdint>

#include "core/stats/test_result.h"

namespace expt {

inline constexpr double k_default_sequential_tuning = 5000;

// m above: the half-width of the confidence sequence in units of the fixed-horizon SE.
double sequential_multiplier(double n, double alpha, double tuning);
// p above, for the estimate's z = estimate / SE.
double sequential_p_value(double z, double n, double alpha, double tuning);

// Replaces a comparison's intervals (difference and lift) with the confidence sequence's and its
// p-value with the always-valid one, for `n` entities in the two variants. The Welch degrees of
// freedom and the conversion z-test's and Fisher's p-values, which are fixed-horizon, are cleared.
void make_sequential(Comparison& comparison, int64_t n, double confidence, double tuning);

}  // namespace expt
