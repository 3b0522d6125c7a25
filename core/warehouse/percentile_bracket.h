#pragma once
// A percentile metric's bracket: the values [low, high] that the aggregation query carries, per
// variant, to compute the exact quantile and its interval, instead of carrying and sorting every
// value. Values below the bracket are only counted (overall, and per entity for the interval's
// variance). A cheap approximate pre-pass over the raw events (a t-digest of the metric's values)
// chooses it wide enough to hold the quantile's and the interval's ranks almost always; the query
// says when it did not (bracket_missed), and the analysis then runs again with every value, so
// the answer is exact either way (docs/warehouse.md, "Percentiles").

#include <limits>
#include <map>
#include <string>
#include <string_view>

#include "core/base/error.h"

namespace expt {

struct AggregateQuery;

struct PercentileBracket {
  double low = -std::numeric_limits<double>::infinity();
  double high = std::numeric_limits<double>::infinity();
  bool all() const { return low == -std::numeric_limits<double>::infinity() && high == std::numeric_limits<double>::infinity(); }
};

// The `name` of a percentile row whose ranks fell outside its bracket (its numbers are not used).
inline constexpr std::string_view k_bracket_missed = "bracket_missed";

// The pre-pass: one TSV row with, per percentile metric of `query`, the count of its event
// type's rows and approximate quantiles around its level. Empty when the query has no percentile.
Result<std::string> percentile_bracket_sql(const AggregateQuery& query);

// The brackets (by metric index) read from the pre-pass's answer. A metric with too few values
// for a bracket to save anything gets none (every value).
Result<std::map<size_t, PercentileBracket>> percentile_brackets(const AggregateQuery& query, std::string_view answer);

}  // namespace expt
