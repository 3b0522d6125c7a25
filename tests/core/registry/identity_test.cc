// normalize_identity: one person, one spelling; what cannot be seen is refused.

#include <catch2/catch.hpp>

#include "core/registry/identity.h"

namespace expt {
namespace {

TEST_CASE("case, surrounding space, composition and fullwidth forms give one name", "[registry]") {
  for (const char* spelling : {"alice", "Alice", "ALICE", " alice", "alice\t", "\xEF\xBC\xA1lice"}) {  // Ａlice
    auto n = normalize_identity(spelling, "EXPT_ACTOR");
    REQUIRE(n);
    CHECK(*n == "alice");
  }
  // é composed (U+00E9) and decomposed (e + U+0301) are one name.
  CHECK(*normalize_identity("Ren\xC3\xA9", "x") == *normalize_identity("rene\xCC\x81", "x"));
  CHECK(*normalize_identity("Stra\xC3\x9F" "e", "x") == "strasse");  // full case folding: ß is ss
  CHECK(identity_key("Bob ") == "bob");
}

TEST_CASE("invisible characters, controls, empty names and bad UTF-8 are refused", "[registry]") {
  auto zero_width = normalize_identity("al\xE2\x80\x8Bice", "EXPT_ACTOR");
  REQUIRE_FALSE(zero_width);
  CHECK(zero_width.error().message ==
        "EXPT_ACTOR 'al\\u200Bice' holds the invisible or control character U+200B: a name must be what it looks like");
  CHECK_FALSE(normalize_identity("ali\x1b[0mce", "x"));
  CHECK_FALSE(normalize_identity("\xE2\x80\xAE" "ecila", "x"));  // right-to-left override
  CHECK(normalize_identity("   ", "--team").error().message == "--team is empty");
  CHECK(normalize_identity("\xFF", "x").error().message == "x is not valid UTF-8");
  CHECK(identity_key("\xFF") == "\xFF");  // an old row that cannot be normalised compares as it is
}

}  // namespace
}  // namespace expt
