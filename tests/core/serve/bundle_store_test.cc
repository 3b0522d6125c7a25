#include <catch2/catch.hpp>

#include <filesystem>

#include "core/assign/bundle.h"
#include "core/assign/bundle_protocol.h"
#include "core/serve/bundle_store.h"
#include "tests/support/fixtures.h"
#include "tests/support/published_folder.h"

namespace expt {
namespace {

using nlohmann::json;

TEST_CASE("a bundle store reads every verified version, its hash and the latest that latest.json names", "[serve]") {
  testing::PublishedFolder folder(3);
  BundleStore store(folder.folder());
  auto changed = store.rescan();
  REQUIRE(changed);
  CHECK(*changed);
  auto state = store.state();
  REQUIRE(state->latest == 3);
  REQUIRE(state->versions.size() == 3);
  for (int64_t v = 1; v <= 3; ++v) {
    CHECK(state->versions.at(v).content_hash == folder.document(v)["content_hash"]);
    CHECK(state->versions.at(v).bytes == folder.text(v).size());
  }
  CHECK(*state->latest_text == folder.text(3));
  CHECK(state->latest_snapshot->version() == 3);
  CHECK(store.bundle_text(2).value() == folder.text(2));
  auto unknown = store.bundle_text(9);
  REQUIRE(!unknown);
  CHECK(unknown.error().message == "bundle version 9 is not published");
  // Nothing new: a second scan changes nothing.
  CHECK(!*store.rescan());
}

TEST_CASE("a bundle store picks up a new version, and ignores a half-written file until it is complete", "[serve]") {
  testing::PublishedFolder folder(2);
  BundleStore store(folder.folder());
  REQUIRE(store.rescan());
  const std::string text = canonical_text(bundle_document(content_of(folder.document(2)), 3, "2026-11-24T00:00:00Z"));
  testing::write_file(folder.path() / bundle_file_name(3), text.substr(0, text.size() / 2));
  CHECK(!*store.rescan());
  CHECK(!store.state()->versions.contains(3));
  testing::write_file(folder.path() / bundle_file_name(3), text);
  testing::write_file(folder.path() / std::string(k_latest_file), text);
  CHECK(*store.rescan());
  CHECK(store.state()->latest == 3);
}

TEST_CASE("a bundle store never moves its latest backwards", "[serve]") {
  testing::PublishedFolder folder(3);
  BundleStore store(folder.folder());
  REQUIRE(store.rescan());
  testing::write_file(folder.path() / std::string(k_latest_file), folder.text(1));
  CHECK(!*store.rescan());
  CHECK(store.state()->latest == 3);
}

TEST_CASE("a bundle file whose version differs from its name is left out and reported", "[serve]") {
  testing::PublishedFolder folder(2);
  testing::write_file(folder.path() / bundle_file_name(7), folder.text(2));
  BundleStore store(folder.folder());
  REQUIRE(store.rescan());
  CHECK(!store.state()->versions.contains(7));
  CHECK(store.last_problem() == (folder.path() / bundle_file_name(7)).string() + ": bundle_version differs from the file name");
}

TEST_CASE("composed diffs take an old version to the latest; a gap in the diffs means the full bundle", "[serve]") {
  testing::PublishedFolder folder(3);
  BundleStore store(folder.folder());
  REQUIRE(store.rescan());
  ComposedDiff diff = store.composed_diff(1, 3);
  REQUIRE(diff.patch);
  auto applied = apply_bundle_diff(folder.document(1), json::parse(*diff.patch), "composed");
  REQUIRE(applied);
  CHECK(*applied == folder.document(3));
  CHECK(store.composed_diff(3, 3).reason == "version 3 is not older than 3");
  CHECK(store.composed_diff(1, 9).reason == "version 9 is not published");

  testing::PublishedFolder gapped(3);
  std::filesystem::remove(gapped.path() / diff_file_name(2, 3));
  BundleStore other(gapped.folder());
  REQUIRE(other.rescan());
  ComposedDiff missing = other.composed_diff(1, 3);
  CHECK(!missing.patch);
  CHECK(missing.reason == "missing diff-2-3.json");
}

TEST_CASE("a folder that cannot be read is an error naming it", "[serve]") {
  testing::TempDir dir;
  BundleStore store((dir / "nowhere").string());
  auto scanned = store.rescan();
  REQUIRE(!scanned);
  CHECK(scanned.error().message.starts_with("cannot read the bundle folder '" + (dir / "nowhere").string() + "'"));
}

}  // namespace
}  // namespace expt
