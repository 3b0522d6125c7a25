#include <catch2/catch.hpp>

#include "core/usecase/review_actions.h"
#include "tests/core/usecase/usecase_fixture.h"

namespace expt {
namespace {

TEST_CASE("a review step returns the status the registry holds afterwards", "[usecase]") {
  testing::UseCaseFixture f("effect", "effect-test");
  REQUIRE(change_review_policy(*f.registry, PolicyChange{"", 1, std::nullopt, std::nullopt, std::nullopt}, f.session.stamp));
  auto requested = take_review_step(*f.registry, ReviewStep{"effect-test", "request", "", ""}, f.session.stamp);
  REQUIRE(requested);
  CHECK(requested->summary.status == ReviewStatus::pending);
  CHECK(requested->summary.required == 1);
  auto approved = take_review_step(*f.registry, ReviewStep{"effect-test", "approve", "looks right", "core"},
                                   AuditStamp{"2026-11-23T12:01:00Z", "reviewer"});
  REQUIRE(approved);
  CHECK(approved->summary.status == ReviewStatus::approved);
  CHECK(approved->summary.approvers == std::vector<std::string>{"reviewer"});
  auto self = take_review_step(*f.registry, ReviewStep{"effect-test", "request", "", ""}, f.session.stamp);
  REQUIRE(self);
  CHECK(self->summary.status == ReviewStatus::pending);
}

TEST_CASE("a policy's teams are a comma-separated list, trimmed", "[usecase]") {
  CHECK(*split_teams("core, Platform ,platform ") == std::vector<std::string>{"core", "platform"});
  CHECK(split_teams("")->empty());
  CHECK_FALSE(split_teams("core,plat\u200Bform"));
}

}  // namespace
}  // namespace expt
