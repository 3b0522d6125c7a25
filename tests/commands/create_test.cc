#include "commands/create.h"

#include <catch2/catch.hpp>

#include "commands/command_harness.h"
#include "commands/init.h"
#include "commands/list.h"

namespace expt {
namespace {

using testing::fixture_path;

TEST_CASE("create loads the fixture specs and a second run changes nothing", "[create]") {
  testing::CommandHarness h;
  REQUIRE(run_init({h.registry, OutputFormat::human}, h.io) == ExitCode::ok);
  CreateOptions options{h.registry, {fixture_path("specs").string()}, false, OutputFormat::json, false, {}};
  h.reset();
  REQUIRE(run_create(options, h.io) == ExitCode::ok);
  auto first = nlohmann::json::parse(h.out.str());
  CHECK(first["summary"] == nlohmann::json{{"create", 23}, {"update", 0}, {"unchanged", 0}});
  CHECK(first["warnings"].empty());
  h.reset();
  REQUIRE(run_create(options, h.io) == ExitCode::ok);
  CHECK(nlohmann::json::parse(h.out.str())["summary"]["unchanged"] == 23);
}

TEST_CASE("a dry run reports the plan and writes nothing", "[create]") {
  testing::CommandHarness h;
  REQUIRE(run_init({h.registry, OutputFormat::human}, h.io) == ExitCode::ok);
  h.reset();
  CreateOptions options{h.registry, {fixture_path("specs/00-namespaces.yaml").string()}, true, OutputFormat::human, false, {}};
  REQUIRE(run_create(options, h.io) == ExitCode::ok);
  CHECK(h.out.str() ==
        "would create namespace checkout\nwould create namespace search-ranking\nwould create namespace pricing\n"
        "would create namespace onboarding\nwould create global_holdout global-holdout-2026\n"
        "dry run: 5 created, 0 updated, 0 unchanged; nothing was written\n");
  h.reset();
  REQUIRE(run_list({h.registry, "", "", "", "", OutputFormat::json}, h.io) == ExitCode::ok);
  CHECK(h.out.str() == "[]\n");
}

TEST_CASE("specs read from stdin are named '-' in diagnostics", "[create]") {
  testing::CommandHarness h;
  REQUIRE(run_init({h.registry, OutputFormat::human}, h.io) == ExitCode::ok);
  h.reset();
  h.in.str("kind: namespace\nkey: Bad\n");
  CHECK(run_create({h.registry, {"-"}, false, OutputFormat::human, false, {}}, h.io) == ExitCode::bad_input);
  CHECK(h.err.str() ==
        "-:2:6: error: invalid key 'Bad': keys match [a-z0-9][a-z0-9._-]{0,127}\n"
        "  key: Bad\n"
        "       ^\n"
        "1 error in specs; nothing was written\n");
}

TEST_CASE("warnings are printed but do not stop a load", "[create]") {
  testing::CommandHarness h;
  REQUIRE(run_init({h.registry, OutputFormat::human}, h.io) == ExitCode::ok);
  h.reset();
  h.in.str(R"(kind: namespace
key: n
---
kind: experiment
key: e
namespace: n
type: ab
owner_team: t
traffic: {slots: 10}
variants: [{key: a, allocation: 0.5}, {key: b, allocation: 0.5}]
)");
  CHECK(run_create({h.registry, {"-"}, false, OutputFormat::human, false, {}}, h.io) == ExitCode::ok);
  CHECK(h.err.str().find("-:4:1: warning: experiment 'e' binds no primary metric") == 0);
  CHECK(h.out.str().find("2 created") != std::string::npos);
}

}  // namespace
}  // namespace expt
