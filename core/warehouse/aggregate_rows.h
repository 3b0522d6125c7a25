#pragma once
// Per-variant sufficient statistics as rows: what the warehouse query (aggregate_query.h)
// returns, what `expt analyze --aggregates FILE` reads (CSV with a header, or JSON), and what the
// daily aggregates table keeps. docs/warehouse.md documents the columns:
//   experiment, kind, metric, variant, name, n, sum, sum_squares, denominator_sum,
//   denominator_sum_squares, sum_product, events, value, ci_low, ci_high, confidence [, day]
// kind `metric`: n entities, Σy and Σy² (ratios also Σx, Σx², Σxy as denominator_sum,
// denominator_sum_squares, sum_product); `percentile`: n entities with values, events, the
// quantile `value` and its interval's order statistics at `confidence`; `covariate` (CUPED): n
// entities, Σx and Σx² of the metric's value in the window before exposure (`name`, in days) and
// Σxy with the metric's value as sum_product; `count`: a data count `name` (`entities` per
// variant); `event_type` / `exposure_experiment`: rows per name.

#include <istream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/error.h"
#include "core/ingest/event_aggregator.h"
#include "core/ingest/exposure_table.h"

namespace expt {

// Absent numbers (an empty or null field, a column the rows do not have) are NaN.
inline bool present(double value) { return value == value; }

struct AggregateRow {
  std::string experiment, kind, metric, variant, name, day;
  double n = 0, sum = 0, sum_squares = 0, denominator_sum = 0, denominator_sum_squares = 0, sum_product = 0;
  double events = 0, value = 0, ci_low = 0, ci_high = 0, confidence = 0;  // NaN: absent
  SourceLocation at;  // file and line (CSV) or row number (JSON), for errors
};

// CSV with a header row; columns in any order; `experiment` and `day` optional. Empty, `\N`,
// `nan` and `null` numbers are absent.
Result<std::vector<AggregateRow>> read_aggregate_rows_csv(std::istream& in, const std::string& name);
// A JSON array of row objects, or ClickHouse's `FORMAT JSON` answer (its "data" array); numbers
// may be JSON numbers or numeric strings.
Result<std::vector<AggregateRow>> read_aggregate_rows_json(std::string_view text, const std::string& name);

// The other way: rows as the JSON array and the CSV (with a header) that the readers above take
// back. Absent numbers (NaN) are null, or empty in CSV; numbers keep full precision.
nlohmann::json aggregate_rows_json(const std::vector<AggregateRow>& rows);
std::string aggregate_rows_csv(const std::vector<AggregateRow>& rows);

struct ExperimentAggregates {
  std::vector<MetricAggregate> metrics;  // aligned with the metrics asked for
  std::vector<int64_t> entities;         // exposed entities per variant
  ExposureCounts exposures;
  EventCounts events;
  std::vector<std::pair<std::string, int64_t>> event_type_rows;  // rows per event type
  std::string day;                       // the day used, when the rows have days
};

// The rows of `experiment` (all rows when none names one), of its latest day unless `day` is
// given, as inference input. Errors name the file and row: a variant or metric kind the
// experiment does not have, a metric with no rows, a percentile computed at another confidence,
// a negative or fractional count. The metrics `covariates` names get CUPED pairs from their
// `covariate` rows, which must be there, for the same window.
Result<ExperimentAggregates> assemble_aggregates(const std::vector<AggregateRow>& rows, const std::string& experiment,
                                                 const std::vector<std::string>& variants,
                                                 const std::vector<MetricSpec>& metrics, double confidence,
                                                 const std::string& day, const std::string& name,
                                                 const CovariateWindows& covariates = {});

}  // namespace expt
