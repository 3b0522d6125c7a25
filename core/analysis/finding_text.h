#pragma once
// The sentences that name an analysis's findings, written once: every command, report, monitor
// finding and audit reason that states a sample ratio mismatch or a guardrail breach says it with
// these words, so a script or a reader finds the same text wherever it looks.

#include <string>
#include <string_view>
#include <vector>

#include "core/analysis/experiment_analysis.h"

namespace expt {

// What a sample ratio mismatch means for the experiment.
inline constexpr std::string_view k_srm_consequence = "the assignment or the exposure logging is broken";

// "sample ratio mismatch[ in EXPERIMENT]: p = 1.2e-05 < 0.001; the assignment or the exposure
// logging is broken"
std::string srm_mismatch_sentence(double p_value, std::string_view experiment = {});

// One sentence per breached guardrail, in metric and variant order: "guardrail page_load_p95
// breached in variant green: 7.2% worse (95% CI 5.1% to 9.3%), tolerated 5%". Rates measured
// against an absolute tolerance are in percentage points.
std::vector<std::string> describe_breaches(const AnalysisReport& report);

}  // namespace expt
