#include <catch2/catch.hpp>

#include "core/usecase/analysis_request.h"
#include "tests/support/spec_builders.h"

namespace expt {
namespace {

AnalysisRequest csv() {
  AnalysisRequest r;
  r.experiment = "e";
  r.events = "events.csv";
  r.exposures = "exposures.csv";
  return r;
}

TEST_CASE("an analysis request names exactly one data source and flags that apply to it", "[usecase]") {
  CHECK(check_request(csv()));
  auto message = [](const AnalysisRequest& r) { return check_request(r).error().message; };
  AnalysisRequest r = csv();
  r.events.clear();
  CHECK(message(r) == "--exposures needs --events too");
  r = csv();
  r.events = r.exposures = "-";
  CHECK(message(r) == "--events and --exposures cannot both read stdin");
  r = csv();
  r.day = "2026-11-01";
  CHECK(message(r) == "--day applies to --aggregates only");
  r = AnalysisRequest{};
  r.source = "clickhouse://h/db";
  r.memory_limit = "1G";
  CHECK(message(r).starts_with("--memory-limit applies to CSV events"));
  r = csv();
  r.cuped_window_days = 400;
  CHECK(message(r) == "--cuped-window must be a number of days in (0, 366], got 400");
  r = csv();
  r.confidence = 1;
  CHECK(message(r) == "--confidence must be in (0, 1), got 1");
  r = csv();
  r.by = "week";
  CHECK(message(r) == "--by must be day; got 'week'");
}

TEST_CASE("the request's statistics win over the experiment's analysis settings", "[usecase]") {
  ExperimentSpec spec;
  spec.analysis = AnalysisSpec{};
  spec.analysis->sequential = true;
  spec.analysis->cuped_window_days = 7;
  MetricSpec mean;
  mean.type = MetricType::mean;
  MetricSpec ratio;
  ratio.type = MetricType::ratio;
  spec.metrics = {MetricBinding{}, MetricBinding{}};
  spec.metrics[0].cuped = true;
  const std::vector<MetricSpec> metrics{mean, ratio};

  AnalysisChoices from_spec = analysis_choices(csv(), spec, metrics);
  CHECK(from_spec.sequential_tuning == 5000);
  CHECK(from_spec.covariates.metrics == std::vector<bool>{true, false});  // a ratio gets no CUPED
  CHECK(from_spec.cuped_window_days == 7);
  CHECK(from_spec.covariates.window_ms == 7 * 86'400'000LL);

  AnalysisRequest r = csv();
  r.sequential = false;
  r.cuped = false;
  AnalysisChoices from_flags = analysis_choices(r, spec, metrics);
  CHECK(!from_flags.sequential_tuning);
  CHECK(from_flags.covariates.metrics == std::vector<bool>{false, false});
  CHECK(!from_flags.cuped_window_days);
}

}  // namespace
}  // namespace expt
