#pragma once
// Sufficient statistics: everything inference needs about one variant's metric, and nothing
// about rows or files. Aggregation (CSV, or later a warehouse query) produces these; the tests
// in core/stats/frequentist.h and core/stats/bayesian.h consume them. Moments are kept centred (mean and
// sums of squared deviations, merged with Chan et al.'s formulas) rather than as raw sums of
// squares, which lose precision when the mean is large relative to the spread.

#include <cstdint>
#include <optional>
#include <vector>

namespace expt {

// One value per entity: conversion (0/1) and mean metrics.
struct MeanStats {
  int64_t n = 0;
  double mean = 0;
  double m2 = 0;  // sum of squared deviations from the mean

  // From raw sums, as a warehouse returns them: count, SUM(x), SUM(x*x).
  static MeanStats from_sums(int64_t n, double sum, double sum_squares);
  void add(double x);  // Welford's update
  double sum() const { return mean * static_cast<double>(n); }
  // Sample variance (divisor n - 1); nullopt when n < 2.
  std::optional<double> variance() const;
  MeanStats& operator+=(const MeanStats& other);  // merge partitions
};
MeanStats operator+(MeanStats a, const MeanStats& b);

// Two values per entity (numerator x and denominator y) for ratio metrics: the ratio is
// sum(x) / sum(y) over the variant's entities, its variance comes from the delta method.
struct RatioStats {
  int64_t n = 0;
  double mean_x = 0;
  double mean_y = 0;
  double m2_x = 0;
  double m2_y = 0;
  double c_xy = 0;  // sum of co-deviations

  // From raw sums, as a warehouse returns them: count, SUM(x), SUM(y), SUM(x*x), SUM(y*y), SUM(x*y).
  static RatioStats from_sums(int64_t n, double sum_x, double sum_y, double sum_xx, double sum_yy, double sum_xy);
  void add(double x, double y);
  std::optional<double> variance_x() const;
  std::optional<double> variance_y() const;
  std::optional<double> covariance() const;
  RatioStats& operator+=(const RatioStats& other);
};
RatioStats operator+(RatioStats a, const RatioStats& b);

// Event values of one variant for a percentile metric, each tagged with the entity it came
// from (an index local to the sample), because an entity usually contributes several events
// and the quantile's variance must account for that.
struct QuantileSample {
  std::vector<double> values;
  std::vector<uint32_t> entity;  // parallel to values
  uint32_t entities = 0;         // distinct entities with at least one value

  void add(double value, uint32_t entity_index) {
    values.push_back(value);
    entity.push_back(entity_index);
  }
};

// A percentile metric's estimate for one variant, computed where the values are (a warehouse
// query; core/warehouse/aggregate_query.h): the quantile and the two order statistics that bound
// its interval at `confidence`, by the method of estimate_quantile (core/stats/frequentist.h).
struct QuantileSummary {
  int64_t entities = 0;  // distinct entities with at least one value
  int64_t events = 0;    // values
  std::optional<double> value;
  std::optional<double> ci_low;   // absent with fewer than two entities
  std::optional<double> ci_high;
  double confidence = 0;  // the level the interval was computed for
};

}  // namespace expt
