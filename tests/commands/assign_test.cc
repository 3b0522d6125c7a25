#include "commands/assign.h"

#include <catch2/catch.hpp>

#include "commands/allocate.h"
#include "commands/command_harness.h"
#include "commands/create.h"
#include "commands/init.h"
#include "commands/lifecycle.h"

namespace expt {
namespace {

// A registry with one namespace of 10 slots wholly owned by a running rollout at 100%.
void prepare(testing::CommandHarness& h) {
  REQUIRE(run_init({h.registry, OutputFormat::human}, h.io) == ExitCode::ok);
  h.in.str(R"(kind: namespace
key: ui
total_slots: 10
default_config: {theme: light, density: normal}
---
kind: experiment
key: dark-mode
namespace: ui
type: rollout
owner_team: design
traffic: {slots: 10}
variants: [{key: dark, allocation: 1, config: {theme: dark}}]
)");
  REQUIRE(run_create({h.registry, {"-"}, false, OutputFormat::human, false, {}}, h.io) == ExitCode::ok);
  REQUIRE(run_allocate({h.registry, {"dark-mode"}, false, false, OutputFormat::human}, h.io) == ExitCode::ok);
  REQUIRE(run_lifecycle({h.registry, "dark-mode", Transition::start, "", false, OutputFormat::human, {}, {}, false}, h.io) == ExitCode::ok);
  h.reset();
}

TEST_CASE("assign shows the merged config of each layer", "[assign]") {
  testing::CommandHarness h;
  prepare(h);
  AssignOptions options;
  options.registry = h.registry;
  options.entities = {"anyone"};
  options.format = OutputFormat::json;
  REQUIRE(run_assign(options, h.io) == ExitCode::ok);
  auto result = nlohmann::json::parse(h.out.str());
  CHECK(result[0]["layers"][0]["experiment"] == "dark-mode");
  CHECK(result[0]["layers"][0]["variant"] == "dark");
  CHECK(result[0]["layers"][0]["config"] == nlohmann::json{{"theme", "dark"}, {"density", "normal"}});
  CHECK(result[0]["in_holdout"] == false);
  CHECK(result[0]["in_global_holdout"] == false);  // the old name, for one release
}

TEST_CASE("streaming from stdin writes one CSV row per entity and layer", "[assign]") {
  testing::CommandHarness h;
  prepare(h);
  h.in.clear();
  h.in.str("a\nb\r\n\nc\n");
  AssignOptions options;
  options.registry = h.registry;
  options.input = "-";
  REQUIRE(run_assign(options, h.io) == ExitCode::ok);
  const std::string out = h.out.str();
  CHECK(out.rfind("entity_id,namespace,experiment,variant,slot,in_holdout\na,ui,dark-mode,dark,", 0) == 0);
  CHECK(std::count(out.begin(), out.end(), '\n') == 4);
  CHECK(out.find("\nb,ui,dark-mode,dark,") != std::string::npos);
}

TEST_CASE("assign needs either IDs or --input", "[assign]") {
  testing::CommandHarness h;
  prepare(h);
  AssignOptions options;
  options.registry = h.registry;
  CHECK(run_assign(options, h.io) == ExitCode::bad_input);
  CHECK(h.err.str() ==
        "error: no entity to assign: give entity IDs as arguments (expt assign user-7) or --input FILE (or - for stdin)\n");
}

}  // namespace
}  // namespace expt
