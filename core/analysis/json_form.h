#pragma once
// JSON forms of analysis results that more than one output shares: the report (`analyze
// --format json`), its daily view, and the analyses the registry records. Field names are
// documented in docs/analysis.md.

#include <optional>

#include <nlohmann/json.hpp>

#include "core/analysis/experiment_analysis.h"

namespace expt {

// A number that may be undefined (see docs/statistics.md): the value, or null, never NaN.
nlohmann::json number_or_null(const std::optional<double>& value);

// A comparison's key numbers, as the daily view and recorded analyses keep them: variant,
// status, difference and lift with their intervals, p and adjusted p, significant.
nlohmann::json comparison_summary_json(const TreatmentResult& treatment);

}  // namespace expt
