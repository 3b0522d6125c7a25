#include "commands/lint.h"

#include <set>

#include <catch2/catch.hpp>

#include "core/base/finding_codes.h"
#include "tests/support/fixtures.h"

namespace expt {
namespace {

TEST_CASE("the broken-specs corpus exercises every finding code", "[lint]") {
  // fixtures/lint/broken.expected.json is the golden output the e2e test compares against;
  // this ties it to the code table, so a new code without a fixture fails here.
  auto expected = testing::read_json(testing::fixture_path("lint/broken.expected.json"));
  std::set<std::string> seen;
  for (const auto& f : expected["findings"]) {
    seen.insert(f["code"].get<std::string>());
    CHECK(f["line"].get<int>() > 0);
    CHECK(f["column"].get<int>() > 0);
    CHECK_FALSE(f["message"].get<std::string>().empty());
  }
  for (const FindingCode& c : all_finding_codes()) {
    INFO(c.code << " " << c.name);
    CHECK(seen.contains(std::string(c.code)));
  }
}

TEST_CASE("GitHub annotations escape what would break the workflow command", "[lint]") {
  CHECK(github_escape_data("50% of slots\r\nnext") == "50%25 of slots%0D%0Anext");
  CHECK(github_escape_property("dir,with:colon/x.yaml") == "dir%2Cwith%3Acolon/x.yaml");
}

}  // namespace
}  // namespace expt
