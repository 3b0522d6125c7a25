#include <sstream>

#include <catch2/catch.hpp>

#include "core/warehouse/aggregate_rows.h"

namespace expt {
namespace {

MetricSpec metric(std::string key, MetricType type, std::string event_type) {
  MetricSpec m;
  m.key = std::move(key);
  m.type = type;
  m.measure.event_type = std::move(event_type);
  if (type == MetricType::ratio) m.denominator = EventMeasure{"search", Aggregation::count};
  if (type == MetricType::percentile) m.quantile = 0.95;
  return m;
}

const std::vector<std::string> k_variants = {"control", "treatment"};
const std::vector<MetricSpec> k_metrics = {metric("revenue", MetricType::mean, "purchase"),
                                           metric("clicks_per_search", MetricType::ratio, "click"),
                                           metric("load_p95", MetricType::percentile, "page_load")};

Result<ExperimentAggregates> assemble_csv(const std::string& text, double confidence = 0.95, const std::string& day = {}) {
  std::istringstream in(text);
  auto rows = read_aggregate_rows_csv(in, "aggregates.csv");
  if (!rows) return rows.error();
  return assemble_aggregates(*rows, "exp", k_variants, k_metrics, confidence, day, "aggregates.csv");
}

const std::string k_header = "experiment,kind,metric,variant,name,n,sum,sum_squares,denominator_sum,denominator_sum_squares,"
                             "sum_product,events,value,ci_low,ci_high,confidence\n";

TEST_CASE("aggregate rows become the same sufficient statistics as per-entity values", "[warehouse]") {
  // Entities' revenue: control 1, 2, 3; treatment 4, 6.
  auto a = assemble_csv(k_header +
                        "exp,metric,revenue,control,,3,6,14,0,0,0,,,,,\n"
                        "exp,metric,revenue,treatment,,2,10,52,0,0,0,,,,,\n"
                        "exp,metric,clicks_per_search,control,,3,3,3,6,14,6,,,,,\n"
                        "exp,metric,clicks_per_search,treatment,,2,2,2,4,8,4,,,,,\n"
                        "exp,percentile,load_p95,control,,3,,,,,,7,1200,1100,1300,0.95\n"
                        "exp,count,,control,entities,3,,,,,,,,,,\n"
                        "exp,count,,treatment,entities,2,,,,,,,,,,\n"
                        "exp,count,,,events.duplicates,4,,,,,,,,,,\n"
                        "other,metric,revenue,control,,99,99,99,0,0,0,,,,,\n");
  REQUIRE(a);
  MeanStats direct;
  for (double x : {1.0, 2.0, 3.0}) direct.add(x);
  CHECK(a->metrics[0].mean[0].mean == Approx(direct.mean));
  CHECK(a->metrics[0].mean[0].m2 == Approx(direct.m2));
  RatioStats ratio;  // (x, y) = (1, 1), (1, 2), (1, 3)
  for (double y : {1.0, 2.0, 3.0}) ratio.add(1, y);
  CHECK(a->metrics[1].ratio[0].c_xy == Approx(ratio.c_xy).margin(1e-12));
  CHECK(a->metrics[1].ratio[0].m2_y == Approx(ratio.m2_y));
  CHECK(a->metrics[2].quantile_summary[0].value == 1200);
  CHECK(a->metrics[2].quantile_summary[0].events == 7);
  CHECK(a->metrics[2].quantile_summary[1].events == 0);  // no row: no values
  CHECK(a->entities == std::vector<int64_t>{3, 2});
  CHECK(a->events.duplicates == 4);
}

TEST_CASE("aggregate rows of slices add up", "[warehouse]") {
  auto a = assemble_csv(k_header +
                        "exp,metric,revenue,control,,2,3,5,0,0,0,,,,,\n"
                        "exp,metric,revenue,control,,1,3,9,0,0,0,,,,,\n"
                        "exp,metric,revenue,treatment,,2,10,52,0,0,0,,,,,\n"
                        "exp,metric,clicks_per_search,control,,3,3,3,6,14,6,,,,,\n"
                        "exp,metric,clicks_per_search,treatment,,2,2,2,4,8,4,,,,,\n");
  REQUIRE(a);
  CHECK(a->metrics[0].mean[0].n == 3);
  CHECK(a->metrics[0].mean[0].mean == Approx(2));
  CHECK(a->entities == std::vector<int64_t>{3, 2});  // from the metrics when no entity counts are given
}

TEST_CASE("the daily table's latest day is analysed unless a day is named", "[warehouse]") {
  const std::string text = "day,experiment,kind,metric,variant,name,n,sum,sum_squares,denominator_sum,denominator_sum_squares,sum_product\n"
                           "2026-11-01,exp,metric,revenue,control,,1,1,1,,,\n"
                           "2026-11-01,exp,metric,revenue,treatment,,1,2,4,,,\n"
                           "2026-11-01,exp,metric,clicks_per_search,control,,1,1,1,1,1,1\n"
                           "2026-11-01,exp,metric,clicks_per_search,treatment,,1,1,1,1,1,1\n"
                           "2026-11-02,exp,metric,revenue,control,,5,5,5,,,\n"
                           "2026-11-02,exp,metric,revenue,treatment,,5,5,5,,,\n"
                           "2026-11-02,exp,metric,clicks_per_search,control,,5,5,5,5,5,5\n"
                           "2026-11-02,exp,metric,clicks_per_search,treatment,,5,5,5,5,5,5\n";
  auto latest = assemble_csv(text);
  REQUIRE(latest);
  CHECK(latest->day == "2026-11-02");
  CHECK(latest->metrics[0].mean[0].n == 5);
  auto first = assemble_csv(text, 0.95, "2026-11-01");
  REQUIRE(first);
  CHECK(first->metrics[0].mean[0].n == 1);
  auto none = assemble_csv(text, 0.95, "2026-10-01");
  REQUIRE_FALSE(none);
  CHECK(none.error().message == "the aggregates have no rows of experiment 'exp' for day 2026-10-01");
}

TEST_CASE("bad aggregate rows are refused naming the file, line and field", "[warehouse]") {
  auto unknown_variant = assemble_csv(k_header + "exp,metric,revenue,blue,,3,6,14,0,0,0,,,,,\n");
  REQUIRE_FALSE(unknown_variant);
  CHECK(unknown_variant.error().location.line == 2);
  CHECK(unknown_variant.error().field == "variant");
  CHECK(unknown_variant.error().message == "variant 'blue' is not a variant of experiment 'exp' (variants: control, treatment)");

  auto not_number = assemble_csv(k_header + "exp,metric,revenue,control,,three,6,14,0,0,0,,,,,\n");
  REQUIRE_FALSE(not_number);
  CHECK(not_number.error().location.line == 2);
  CHECK(not_number.error().location.column == 29);
  CHECK(not_number.error().message == "n 'three' is not a number");

  auto fractional = assemble_csv(k_header + "exp,metric,revenue,control,,2.5,6,14,0,0,0,,,,,\n");
  REQUIRE_FALSE(fractional);
  CHECK(fractional.error().message == "n must be a whole number of at least 0, got 2.5");

  auto wrong_kind = assemble_csv(k_header + "exp,metric,load_p95,control,,3,6,14,0,0,0,,,,,\n");
  REQUIRE_FALSE(wrong_kind);
  CHECK(wrong_kind.error().message == "metric 'load_p95' is a percentile metric; its rows must have kind 'percentile'");

  auto other_confidence = assemble_csv(k_header + "exp,percentile,load_p95,control,,3,,,,,,7,1200,1100,1300,0.9\n");
  REQUIRE_FALSE(other_confidence);
  CHECK(other_confidence.error().field == "confidence");

  auto missing_metric = assemble_csv(k_header + "exp,metric,revenue,control,,3,6,14,0,0,0,,,,,\n");
  REQUIRE_FALSE(missing_metric);
  CHECK(missing_metric.error().message == "the aggregates have no rows for metric 'clicks_per_search' of experiment 'exp'");

  std::istringstream no_kind("metric,variant,n\nrevenue,control,1\n");
  auto rows = read_aggregate_rows_csv(no_kind, "aggregates.csv");
  REQUIRE_FALSE(rows);
  CHECK(rows.error().field == "kind");
}

TEST_CASE("aggregates come as JSON rows or ClickHouse's FORMAT JSON, numbers quoted or not", "[warehouse]") {
  const std::string rows = R"([{"kind":"metric","metric":"revenue","variant":"control","n":"3","sum":6,"sum_squares":14},
    {"kind":"metric","metric":"revenue","variant":"treatment","n":2,"sum":10,"sum_squares":52},
    {"kind":"metric","metric":"clicks_per_search","variant":"control","n":3,"sum":3,"sum_squares":3,"denominator_sum":6,"denominator_sum_squares":14,"sum_product":6},
    {"kind":"metric","metric":"clicks_per_search","variant":"treatment","n":2,"sum":2,"sum_squares":2,"denominator_sum":4,"denominator_sum_squares":10,"sum_product":4}])";
  for (const std::string& text : {rows, R"({"meta":[],"data":)" + rows + R"(,"rows":4})"}) {
    auto parsed = read_aggregate_rows_json(text, "aggregates.json");
    REQUIRE(parsed);
    auto a = assemble_aggregates(*parsed, "exp", k_variants, k_metrics, 0.95, {}, "aggregates.json");
    REQUIRE(a);
    CHECK(a->metrics[0].mean[0].n == 3);
    CHECK(a->metrics[1].ratio[1].mean_y == Approx(2));
  }
  auto bad = read_aggregate_rows_json(R"([{"kind":"metric","n":"x"}])", "aggregates.json");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().field == "[0].n");
}

}  // namespace
}  // namespace expt
