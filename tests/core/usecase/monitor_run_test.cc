#include <catch2/catch.hpp>

#include <filesystem>

#include "core/process/file_lock.h"
#include "core/usecase/monitor_run.h"
#include "tests/core/usecase/usecase_fixture.h"

namespace expt {
namespace {

MonitorRequest over(const testing::UseCaseFixture& f, const std::string& dataset) {
  MonitorRequest r;
  const auto data = f.dir / "exports";
  std::filesystem::create_directories(data);
  std::filesystem::copy_file(f.data(dataset, "events.csv"), data / "events.csv", std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(f.data(dataset, "exposures.csv"), data / "exposures.csv",
                             std::filesystem::copy_options::overwrite_existing);
  r.data = data.string();
  r.lock = (f.dir / "monitor.lock").string();
  return r;
}

TEST_CASE("the monitor finds a breached guardrail, stops the experiment and publishes a bundle without it", "[usecase]") {
  testing::UseCaseFixture f("guardrail", "new-checkout");
  MonitorRequest r = over(f, "guardrail");
  r.auto_stop = true;
  r.publish = (f.dir / "bundles").string();
  auto out = monitor_running_experiments(r, *f.registry, f.session);
  REQUIRE(out);
  CHECK(out->running == 1);
  CHECK(out->complete);
  CHECK(out->stopped == nlohmann::json::array({"new-checkout"}));
  bool breach = false;
  for (const auto& finding : out->findings) {
    if (finding["kind"] != "guardrail_breach") continue;
    breach = true;
    CHECK(finding["stopped"] == true);
    CHECK(finding["message"].get<std::string>().starts_with("guardrail "));
  }
  CHECK(breach);
  CHECK(out->published["new_version"] == true);
  CHECK(f.registry->read()->find_experiment("new-checkout")->status == ExperimentStatus::stopped);
}

TEST_CASE("a second monitor while one holds the lock does nothing", "[usecase]") {
  testing::UseCaseFixture f("effect", "effect-test");
  MonitorRequest r = over(f, "effect");
  auto held = FileLock::acquire(r.lock);
  REQUIRE(held);
  auto out = monitor_running_experiments(r, *f.registry, f.session);
  REQUIRE(out);
  CHECK(out->locked_out);
  CHECK(out->findings.empty());
}

TEST_CASE("each finding goes to the notify command; one that fails is reported, not fatal", "[usecase]") {
  testing::UseCaseFixture f("guardrail", "new-checkout");
  MonitorRequest r = over(f, "guardrail");
  const auto received = f.dir / "received.jsonl";
  r.notify_command = "cat >> '" + received.string() + "'";
  auto out = monitor_running_experiments(r, *f.registry, f.session);
  REQUIRE(out);
  REQUIRE(!out->findings.empty());
  CHECK(out->notify_failures.empty());
  const std::string text = testing::read_file(received);
  CHECK(static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) == out->findings.size());
  r.notify_command = "exit 3";
  out = monitor_running_experiments(r, *f.registry, f.session);
  REQUIRE(out);
  REQUIRE(!out->notify_failures.empty());
  CHECK(out->notify_failures.front() == "--notify-command exited 3 for a finding about new-checkout");
}

}  // namespace
}  // namespace expt
