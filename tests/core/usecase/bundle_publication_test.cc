#include <catch2/catch.hpp>

#include <filesystem>

#include "core/usecase/bundle_publication.h"
#include "tests/core/usecase/usecase_fixture.h"

namespace expt {
namespace {

TEST_CASE("publishing a bundle writes a new version once, and the folder is completed from the registry", "[usecase]") {
  testing::UseCaseFixture f("effect", "effect-test");
  const std::string folder = (f.dir / "bundles").string();
  auto first = publish_bundle(*f.registry, folder, f.session.stamp);
  REQUIRE(first);
  CHECK(first->is_new);
  CHECK(first->current.version == 1);
  CHECK(first->written.size() == 2);  // bundle-1.json, latest.json
  auto again = publish_bundle(*f.registry, folder, f.session.stamp);
  REQUIRE(again);
  CHECK(!again->is_new);
  CHECK(again->written.empty());
  std::filesystem::remove(std::filesystem::path(folder) / "bundle-1.json");
  auto repaired = publish_bundle(*f.registry, folder, f.session.stamp);
  REQUIRE(repaired);
  CHECK(repaired->written == std::vector<std::string>{(std::filesystem::path(folder) / "bundle-1.json").string()});
}

TEST_CASE("a publish whose folder cannot be written says the version is published and how to finish", "[usecase]") {
  testing::UseCaseFixture f("effect", "effect-test");
  const auto blocker = f.dir / "file";
  testing::write_file(blocker, "not a folder");
  auto published = publish_bundle(*f.registry, (blocker / "bundles").string(), f.session.stamp);
  REQUIRE(!published);
  CHECK(published.error().message.ends_with(
      "(bundle 1 is published in the registry; run `expt export bundle` again to write its files)"));
  auto state = f.registry->read();
  REQUIRE(state);
  CHECK(state->latest_bundle->version == 1);
}

}  // namespace
}  // namespace expt
