// The rules of core/warehouse/aggregate_checks.h, each on the reproduction that showed it
// missing: numbers no data set can produce, which used to be clamped and analysed with exit 0.

#include <sstream>

#include <catch2/catch.hpp>

#include "core/warehouse/aggregate_checks.h"
#include "core/warehouse/aggregate_rows.h"

namespace expt {
namespace {

MetricSpec metric(std::string key, MetricType type) {
  MetricSpec m;
  m.key = std::move(key);
  m.type = type;
  m.measure.event_type = "purchase";
  if (type == MetricType::ratio) m.denominator = EventMeasure{"search", Aggregation::count};
  if (type == MetricType::percentile) m.quantile = 0.95;
  return m;
}

const std::vector<std::string> k_variants = {"control", "treatment"};

// The error of assembling `rows` (a CSV body under a header) for one metric, or "" when it
// assembles.
std::string error_of(const std::string& body, MetricType type, const std::string& format = "csv",
                     const CovariateWindows& covariates = {}) {
  const std::vector<MetricSpec> metrics{metric("m", type)};
  Result<std::vector<AggregateRow>> rows = std::vector<AggregateRow>{};
  if (format == "csv") {
    std::istringstream in("kind,metric,variant,name,n,sum,sum_squares,denominator_sum,denominator_sum_squares,sum_product,events,"
                          "value,ci_low,ci_high,confidence\n" + body);
    rows = read_aggregate_rows_csv(in, "agg.csv");
  } else {
    rows = read_aggregate_rows_json(body, "agg.json");
  }
  if (!rows) return rows.error().message;
  auto assembled = assemble_aggregates(*rows, "exp", k_variants, metrics, 0.95, {}, "agg", covariates);
  if (assembled) return "";
  const Error& e = assembled.error();
  return (e.location.line > 0 ? "line " + std::to_string(e.location.line) + ": " : "") + e.message;
}

TEST_CASE("possible sums assemble", "[warehouse]") {
  CHECK(error_of("metric,m,control,,3,6,14,,,,,,,,\nmetric,m,treatment,,2,10,52,,,,,,,,\n", MetricType::mean) == "");
  CHECK(error_of("metric,m,control,,10,4,4,,,,,,,,\nmetric,m,treatment,,10,0,0,,,,,,,,\n", MetricType::conversion) == "");
}

TEST_CASE("a sum of squares below (sum)^2/n is refused: the variance would be negative", "[warehouse]") {
  // 3 entities summing to 6 cannot have squares summing to 11 (12 is the least: all 2).
  CHECK(error_of("metric,m,control,,3,6,11,,,,,,,,\nmetric,m,treatment,,2,10,52,,,,,,,,\n", MetricType::mean) ==
        "line 2: metric 'm', variant 'control': sum_squares 11 is less than sum²/n = 12, which no data gives (the variance "
        "would be negative)");
  CHECK(error_of("metric,m,control,,3,-6,-1,,,,,,,,\nmetric,m,treatment,,2,10,52,,,,,,,,\n", MetricType::mean) ==
        "line 2: metric 'm', variant 'control': sum_squares -1 is negative: a sum of squares is at least 0");
}

TEST_CASE("a conversion is within [0, n], a whole number, with sum_squares equal to sum", "[warehouse]") {
  const std::string treatment = "metric,m,treatment,,10,3,3,,,,,,,,\n";
  CHECK(error_of("metric,m,control,,10,11,11,,,,,,,,\n" + treatment, MetricType::conversion) ==
        "line 2: metric 'm', variant 'control': sum 11 is outside [0, n = 10]: a conversion counts each entity at most once");
  CHECK(error_of("metric,m,control,,10,4,9,,,,,,,,\n" + treatment, MetricType::conversion) ==
        "line 2: metric 'm', variant 'control': sum_squares 9 differs from sum 4: a conversion's values are 0 and 1, so Σy² = Σy");
  CHECK(error_of("metric,m,control,,10,4.5,4.5,,,,,,,,\n" + treatment, MetricType::conversion) ==
        "line 2: metric 'm', variant 'control': sum 4.5 is not a whole number of converted entities");
}

TEST_CASE("a missing or null sum is refused, not read as 0", "[warehouse]") {
  CHECK(error_of("metric,m,control,,3,6,,,,,,,,,\n", MetricType::mean) ==
        "line 2: the metric row of metric 'm', variant 'control' has no sum_squares (an empty or null value is not 0; "
        "docs/warehouse.md lists what each kind of row needs)");
  CHECK(error_of(R"([{"kind": "metric", "metric": "m", "variant": "control", "n": 3, "sum": null, "sum_squares": 14}])",
                 MetricType::mean, "json") ==
        "line 1: the metric row of metric 'm', variant 'control' has no sum (an empty or null value is not 0; "
        "docs/warehouse.md lists what each kind of row needs)");
  CHECK(error_of("metric,m,control,,3,NaN,14,,,,,,,,\n", MetricType::mean).starts_with("line 2: the metric row of metric 'm', "
                                                                                       "variant 'control' has no sum"));
}

TEST_CASE("a ratio's or a covariate's correlation beyond [-1, 1] is refused", "[warehouse]") {
  // x = y = (1, 2, 3): Σxy = 14 is the most it can be; 20 is a correlation above 1.
  CHECK(error_of("metric,m,control,,3,6,14,6,14,20,,,,,\nmetric,m,treatment,,3,6,14,6,14,14,,,,,\n", MetricType::ratio) ==
        "line 2: metric 'm', variant 'control': sum_product 20 gives a correlation of 4, beyond [-1, 1], which no data gives");
  CovariateWindows cuped;
  cuped.metrics = {true};
  cuped.window_ms = 14 * 86'400'000LL;
  CHECK(error_of("metric,m,control,,3,6,14,,,,,,,,\nmetric,m,treatment,,3,6,14,,,,,,,,\n"
                 "covariate,m,control,14,3,6,14,,,30,,,,,\ncovariate,m,treatment,14,3,6,14,,,14,,,,,\n",
                 MetricType::mean, "csv", cuped) ==
        "line 4: the covariate of metric 'm', variant 'control': sum_product 30 gives a correlation of 9, beyond [-1, 1], "
        "which no data gives");
}

TEST_CASE("a percentile's interval is ordered around a finite estimate", "[warehouse]") {
  CHECK(error_of("percentile,m,control,,3,,,,,,7,1200,1300,1100,0.95\n", MetricType::percentile) ==
        "line 2: percentile metric 'm', variant 'control': ci_low 1300 is above ci_high 1100: an interval's ends are ordered");
  CHECK(error_of("percentile,m,control,,3,,,,,,7,,1100,1300,0.95\n", MetricType::percentile) ==
        "line 2: percentile metric 'm', variant 'control': value is missing: rows with events need the quantile's estimate");
  CHECK(error_of("percentile,m,control,,3,,,,,,2,1200,1100,1300,0.95\n", MetricType::percentile) ==
        "line 2: percentile metric 'm', variant 'control': events 2 is less than n = 3: each entity counted has at least "
        "one value");
}

TEST_CASE("the rules allow for the rounding of sums added in floating point", "[warehouse]") {
  CHECK(!impossible_metric_sums(MetricType::mean, SumsToCheck{3, 0.3, 0.03 - 1e-18, 0, 0, 0}));
  CHECK(impossible_metric_sums(MetricType::mean, SumsToCheck{3, 0.3, 0.029, 0, 0, 0}));
}

}  // namespace
}  // namespace expt
