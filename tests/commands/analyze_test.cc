// `expt analyze` on every dataset of fixtures/analysis against fixtures/analysis/reference.json,
// which fixtures/analysis/reference.py computes with pandas, SciPy and statsmodels.

#include "commands/analyze.h"

#include <catch2/catch.hpp>

#include "commands/allocate.h"
#include "commands/command_harness.h"
#include "commands/create.h"
#include "commands/init.h"
#include "commands/lifecycle.h"
#include "tests/support/golden.h"

namespace expt {
namespace {

using nlohmann::json;
using testing::describe;
using testing::matches;

const json& reference() {
  static const json r = testing::read_json(testing::fixture_path("analysis/reference.json"));
  return r;
}

// A registry holding the dataset's spec, allocated and started.
void prepare(testing::CommandHarness& h, const std::string& dataset, const std::string& experiment) {
  REQUIRE(run_init({h.registry, OutputFormat::human}, h.io) == ExitCode::ok);
  CreateOptions create{h.registry, {testing::fixture_path("analysis/" + dataset + "/spec.yaml").string()}, false,
                       OutputFormat::human, false, {}};
  REQUIRE(run_create(create, h.io) == ExitCode::ok);
  REQUIRE(run_allocate({h.registry, {}, true, false, OutputFormat::human}, h.io) == ExitCode::ok);
  REQUIRE(run_lifecycle({h.registry, experiment, Transition::start, "", false, OutputFormat::human, {}, {}, false}, h.io) == ExitCode::ok);
  h.reset();
}

std::optional<double> number(const json& j) {
  return j.is_null() ? std::nullopt : std::optional<double>(j.get<double>());
}

void check_number(const json& actual, const json& expected, const std::string& what, double abs = 1e-9) {
  INFO(what << ": " << describe(number(actual), expected));
  CHECK(matches(number(actual), expected, 1e-6, abs));
}

void check_dataset(const std::string& name, const json& expected, const std::string& correction) {
  INFO("dataset " << name << ", correction " << correction);
  testing::CommandHarness h;
  prepare(h, name, expected["experiment"]);
  AnalyzeOptions options;
  options.registry = h.registry;
  options.request.experiment = expected["experiment"];
  options.request.events = testing::fixture_path("analysis/" + name + "/events.csv").string();
  options.request.exposures = testing::fixture_path("analysis/" + name + "/exposures.csv").string();
  options.request.correction = correction;
  options.format = OutputFormat::json;
  ExitCode code = run_analyze(options, h.io);
  INFO("stderr: " << h.err.str());
  REQUIRE(code != ExitCode::bad_input);
  const json actual = json::parse(h.out.str());

  bool breach = false;
  for (const json& m : expected["metrics"]) {
    for (const json& c : m["comparisons"]) breach = breach || (!c["guardrail"].is_null() && c["guardrail"]["breached"]);
  }
  // Missing data (no exposure, a metric whose event type the file lacks) is reported and fails.
  const json& problems = expected["data_problems"];
  const bool missing = problems["no_exposures"].get<bool>() || !problems["metrics_without_events"].empty();
  CHECK(code == (expected["srm"]["mismatch"].get<bool>() || breach || missing ? ExitCode::check_failed : ExitCode::ok));
  size_t expected_problems = problems["metrics_without_events"].size() + (problems["no_exposures"].get<bool>() ? 1 : 0);
  CHECK(actual["data_problems"].size() >= expected_problems);
  for (const json& metric : problems["metrics_without_events"]) {
    bool named = false;
    for (const json& p : actual["data_problems"]) {
      named = named || p.get<std::string>().find("metric '" + metric.get<std::string>() + "' has no events") == 0;
    }
    CHECK(named);
  }

  for (const char* part : {"exposures", "events"}) {
    for (const auto& [key, value] : expected["data"][part].items()) {
      INFO(part << "." << key);
      CHECK(actual["data"][part][key] == value);
    }
  }
  REQUIRE(actual["variants"].size() == expected["variants"].size());
  for (size_t i = 0; i < expected["variants"].size(); ++i) {
    CHECK(actual["variants"][i]["entities"] == expected["variants"][i]["entities"]);
  }
  check_number(actual["srm"]["chi_square"], expected["srm"]["chi_square"], "srm.chi_square");
  check_number(actual["srm"]["p_value"], expected["srm"]["p_value"], "srm.p_value");
  CHECK(actual["srm"]["mismatch"] == expected["srm"]["mismatch"]);

  REQUIRE(actual["metrics"].size() == expected["metrics"].size());
  for (size_t k = 0; k < expected["metrics"].size(); ++k) {
    const json& em = expected["metrics"][k];
    const json& am = actual["metrics"][k];
    INFO("metric " << em["key"].get<std::string>());
    CHECK(am["key"] == em["key"]);
    if (em.contains("cuped") && !em["cuped"].is_null()) {
      REQUIRE(am["cuped"].is_object());
      for (const char* field : {"theta", "covariate_mean", "variance_reduction"}) {
        check_number(am["cuped"][field], em["cuped"][field], std::string("cuped ") + field);
      }
      for (size_t v = 0; v < em["cuped"]["unadjusted"].size(); ++v) {
        check_number(am["cuped"]["unadjusted"][v]["value"], em["cuped"]["unadjusted"][v], "cuped unadjusted value");
      }
    } else {
      CHECK(am["cuped"].is_null());
    }
    for (size_t v = 0; v < em["variants"].size(); ++v) {
      const json& ev = em["variants"][v];
      const json& av = am["variants"][v];
      CHECK(av["n"] == ev["n"]);
      if (ev.contains("events")) CHECK(av["events"] == ev["events"]);
      for (const char* field : {"value", "se", "ci_low", "ci_high"}) {
        check_number(av[field], ev[field], "variant " + std::to_string(v) + " " + field);
      }
    }
    for (size_t t = 0; t < em["comparisons"].size(); ++t) {
      const json& ec = em["comparisons"][t];
      const json& ac = am["comparisons"][t];
      INFO("treatment " << ec["variant"].get<std::string>());
      CHECK(ac["variant"] == ec["variant"]);
      CHECK(ac["status"] == ec["status"]);
      for (const char* field : {"difference", "difference_se", "difference_ci_low", "difference_ci_high", "lift",
                                "lift_se", "lift_ci_low", "lift_ci_high", "statistic", "df", "p_value", "z_p_value",
                                "chance_to_beat"}) {
        check_number(ac[field], ec[field], field);
      }
      check_number(ac["expected_loss"], ec["expected_loss"], "expected_loss", 1e-10);
      check_number(ac["adjusted_p_value"], ec["adjusted_p_value"][correction], "adjusted_p_value");
      CHECK(ac["significant"] == ec["significant"][correction]);
      if (ec["guardrail"].is_null()) {
        CHECK(ac["guardrail"].is_null());
      } else {
        const json& eg = ec["guardrail"];
        const json& ag = ac["guardrail"];
        CHECK(ag["breached"] == eg["breached"]);
        CHECK(ag["at_risk"] == eg["at_risk"]);
        for (const char* field : {"degradation", "degradation_ci_low", "degradation_ci_high"}) {
          check_number(ag[field], eg[field], std::string("guardrail ") + field);
        }
      }
    }
  }
}

TEST_CASE("analyze matches the pandas/SciPy/statsmodels reference on every dataset", "[analyze][reference]") {
  for (const auto& [name, expected] : reference()["datasets"].items()) {
    for (const char* correction : {"holm", "bh", "none"}) check_dataset(name, expected, correction);
  }
}

}  // namespace
}  // namespace expt

namespace expt {
namespace {

TEST_CASE("a rollout has no control to compare with, so analyze refuses it", "[analyze]") {
  testing::CommandHarness h;
  REQUIRE(run_init({h.registry, OutputFormat::human}, h.io) == ExitCode::ok);
  REQUIRE(run_create({h.registry, {testing::fixture_path("specs").string()}, false, OutputFormat::human, false, {}}, h.io) ==
          ExitCode::ok);
  h.reset();
  AnalyzeOptions options;
  options.registry = h.registry;
  options.request.experiment = "pricing-payment-api-v2";
  options.request.events = options.request.exposures = testing::fixture_path("analysis/aa/events.csv").string();
  CHECK(run_analyze(options, h.io) == ExitCode::bad_input);
  CHECK(h.err.str() ==
        "error: experiment 'pricing-payment-api-v2' is a rollout with 1 variant; analysis compares treatments with a "
        "control\n");
  CHECK(h.out.str().empty());
}

}  // namespace
}  // namespace expt
