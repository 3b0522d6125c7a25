#include <catch2/catch.hpp>

#include "core/usecase/analysis_record.h"
#include "core/usecase/prepared_analysis.h"
#include "core/warehouse/aggregate_rows.h"
#include "tests/core/usecase/usecase_fixture.h"

namespace expt {
namespace {

AnalysisRequest csv_request(const testing::UseCaseFixture& f, const std::string& dataset, const std::string& experiment) {
  AnalysisRequest r;
  r.experiment = experiment;
  r.events = f.data(dataset, "events.csv");
  r.exposures = f.data(dataset, "exposures.csv");
  return r;
}

TEST_CASE("an analysis prepared from CSV exports names its files and finds a real effect", "[usecase]") {
  testing::UseCaseFixture f("effect", "effect-test");
  auto prepared = prepare_analysis(csv_request(f, "effect", "effect-test"), *f.registry, f.session);
  REQUIRE(prepared);
  CHECK(prepared->files == std::vector<std::string>{f.data("effect", "exposures.csv"), f.data("effect", "events.csv")});
  CHECK(prepared->result.source["kind"] == "csv");
  CHECK(prepared->result.data_problems.empty());
  CHECK(!prepared->result.failed());
  CHECK(prepared->result.report.metrics.front().treatments.front().significant);
  CHECK(prepared->experiment.spec.key == "effect-test");
}

TEST_CASE("an analysis from the recorded aggregates equals the analysis from the CSV exports", "[usecase]") {
  testing::UseCaseFixture f("effect", "effect-test");
  auto from_csv = prepare_analysis(csv_request(f, "effect", "effect-test"), *f.registry, f.session);
  REQUIRE(from_csv);
  const auto file = f.dir / "aggregates.csv";
  testing::write_file(file, aggregate_rows_csv(recorded_rows(*from_csv)));
  AnalysisRequest r;
  r.experiment = "effect-test";
  r.aggregates = file.string();
  auto from_rows = prepare_analysis(r, *f.registry, f.session);
  REQUIRE(from_rows);
  CHECK(from_rows->files == std::vector<std::string>{file.string()});
  CHECK(from_rows->result.source["kind"] == "aggregates");
  const MetricResult& a = from_csv->result.report.metrics.front();
  const MetricResult& b = from_rows->result.report.metrics.front();
  CHECK(a.treatments.front().comparison.p_value.value() == Approx(b.treatments.front().comparison.p_value.value()).epsilon(1e-12));
  CHECK(from_csv->result.report.entities == from_rows->result.report.entities);
}

TEST_CASE("a prepared analysis refuses what it cannot analyse, before reading any data", "[usecase]") {
  testing::UseCaseFixture f("effect", "effect-test");
  AnalysisRequest none;
  none.experiment = "effect-test";
  CHECK(prepare_analysis(none, *f.registry, f.session).error().message ==
        "say where the data is: --events and --exposures (CSV), --source (a warehouse) or --aggregates");
  AnalysisRequest unknown = csv_request(f, "effect", "efect-test");
  CHECK(prepare_analysis(unknown, *f.registry, f.session).error().message == "unknown experiment 'efect-test' (did you mean 'effect-test'?)");
  AnalysisRequest two = csv_request(f, "effect", "effect-test");
  two.aggregates = "rows.csv";
  CHECK(prepare_analysis(two, *f.registry, f.session).error().message ==
        "use one data source: --events and --exposures, --source, or --aggregates");
}

TEST_CASE("the outcome of an analysis stops a breached experiment and records it in one transaction", "[usecase]") {
  testing::UseCaseFixture f("guardrail", "new-checkout");
  auto prepared = prepare_analysis(csv_request(f, "guardrail", "new-checkout"), *f.registry, f.session);
  REQUIRE(prepared);
  REQUIRE(!prepared->result.breaches.empty());
  REQUIRE(commit_analysis_outcome(*f.registry, *prepared, true, true, f.session.stamp));
  auto state = f.registry->read();
  REQUIRE(state);
  CHECK(state->find_experiment("new-checkout")->status == ExperimentStatus::stopped);
  auto analyses = f.registry->analyses("new-checkout", 0);
  REQUIRE(analyses);
  REQUIRE(analyses->size() == 1);
  CHECK(analyses->front().inputs["files"].size() == 2);
  // Run again, the stop changes nothing and the analysis is recorded a second time.
  REQUIRE(commit_analysis_outcome(*f.registry, *prepared, true, true, f.session.stamp));
  CHECK(f.registry->analyses("new-checkout", 0)->size() == 2);
}

}  // namespace
}  // namespace expt
