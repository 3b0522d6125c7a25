#include "core/base/edit_distance.h"

#include <array>
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

namespace expt {
namespace {

TEST_CASE("edit distance counts insertions, deletions and substitutions", "[edit_distance]") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("variants", "variants") == 0);
  CHECK(edit_distance("varaints", "variants") == 1);  // one swap of two adjacent letters
  CHECK(edit_distance("tabel", "table") == 1);
  CHECK(edit_distance("ca", "abc") == 3);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("abc", "") == 3);
}

TEST_CASE("a misspelt key suggests the closest field, a distant one nothing", "[edit_distance]") {
  const std::array<std::string_view, 4> fields{"variants", "namespace", "traffic", "metrics"};
  CHECK(did_you_mean("varients", fields) == " (did you mean 'variants'?)");
  CHECK(did_you_mean("namespce", fields) == " (did you mean 'namespace'?)");
  CHECK(did_you_mean("owner", fields).empty());
  CHECK(did_you_mean(std::string(100000, 'x'), fields).empty());
}

// The length-gap shortcut must never change the answer: compare with the plain minimum over
// every candidate on random near-miss words.
TEST_CASE("closest match equals the exhaustive search on random words", "[edit_distance]") {
  std::mt19937 random(7);
  auto word = [&](size_t max_length) {
    std::string text(random() % (max_length + 1), 'a');
    for (char& c : text) c = static_cast<char>('a' + random() % 3);
    return text;
  };
  for (int round = 0; round < 2000; ++round) {
    std::vector<std::string> owned;
    for (int i = 0; i < 6; ++i) owned.push_back(word(9));
    std::vector<std::string_view> candidates(owned.begin(), owned.end());
    std::string query = word(12);

    size_t limit = std::max<size_t>(1, query.size() / 3);
    size_t best = limit + 1;
    std::string expected;
    for (std::string_view candidate : candidates) {
      size_t d = edit_distance(query, candidate);
      if (d < best) best = d, expected = candidate;
    }
    INFO("query '" << query << "'");
    CHECK(closest_match(query, candidates) == expected);
  }
}

}  // namespace
}  // namespace expt
