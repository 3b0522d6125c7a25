#include <catch2/catch.hpp>

#include <cmath>

#include "core/warehouse/aggregate_query.h"
#include "core/warehouse/percentile_bracket.h"
#include "tests/core/warehouse/aggregate_query_fixture.h"

namespace expt {
namespace {

AggregateQuery percentile_query() { return sample_aggregate_query({conversion_metric(), percentile_metric()}); }

TEST_CASE("the percentile pre-pass asks for each percentile's count and quantiles around its level", "[warehouse]") {
  auto sql = percentile_bracket_sql(percentile_query());
  REQUIRE(sql);
  // Levels 0.95 ± 0.01, 0.02, 0.05, 0.1, 0.2 within (0, 1).
  CHECK(sql->find("countIf(`event_type` = 'page_load'), quantilesTDigestIf(0.75, 0.85, 0.9, 0.93, 0.94, 0.96, 0.97)") !=
        std::string::npos);
  CHECK(sql->find("WHERE `event_type` IN ('page_load')") != std::string::npos);
  AggregateQuery none = percentile_query();
  none.metrics.pop_back();
  CHECK(percentile_bracket_sql(none)->empty());
}

TEST_CASE("a bracket is as narrow as the values allow, and none when there are few values or no answer", "[warehouse]") {
  const AggregateQuery q = percentile_query();
  // Levels 0.75 0.85 0.9 0.93 0.94 0.96 0.97: with 10^6 values the 0.02 half-width is enough.
  auto brackets = percentile_brackets(q, "1000000\t[1,2,3,4,5,6,7]\n");
  REQUIRE(brackets);
  REQUIRE(brackets->size() == 1);
  CHECK(brackets->at(1).low == 4);
  CHECK(brackets->at(1).high == 7);
  // 25,000 values: the interval may reach further, so the 0.05 half-width, whose top is 1.
  brackets = percentile_brackets(q, "25000\t[1,2,3,4,5,6,7]\n");
  REQUIRE(brackets);
  CHECK(brackets->at(1).low == 3);
  CHECK(std::isinf(brackets->at(1).high));
  CHECK(percentile_brackets(q, "19999\t[1,2,3,4,5,6,7]\n")->empty());  // sorting them all is cheap
  CHECK(percentile_brackets(q, "1000000\t[nan,nan,nan,nan,nan,nan,nan]\n")->empty());
  CHECK_FALSE(percentile_brackets(q, "garbage"));
}

TEST_CASE("the query carries a bracketed percentile's values within it and counts those below", "[warehouse]") {
  AggregateQuery q = percentile_query();
  auto all = aggregate_query_sql(q);
  REQUIRE(all);
  CHECK(all->find("toUInt64(0) AS pl1") != std::string::npos);
  q.brackets[1] = PercentileBracket{1000.5, 1500.25};
  auto bracketed = aggregate_query_sql(q);
  REQUIRE(bracketed);
  CHECK(bracketed->find("AND r_y >= toFloat64(1000.5) AND r_y <= toFloat64(1500.25)) AS pv1") != std::string::npos);
  CHECK(bracketed->find("countIf(r_type = 2 AND r_at >= x_at AND r_y < toFloat64(1000.5)) AS pl1") != std::string::npos);
  CHECK(bracketed->find("'bracket_missed'") != std::string::npos);
}

}  // namespace
}  // namespace expt
