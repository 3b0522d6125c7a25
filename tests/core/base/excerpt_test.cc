#include "core/base/excerpt.h"

#include <catch2/catch.hpp>

namespace expt {
namespace {

TEST_CASE("short values are quoted whole, long ones cut with their size", "[excerpt]") {
  CHECK(excerpt("2026-11-x") == "2026-11-x");
  CHECK(excerpt(std::string(80, 'a')) == std::string(80, 'a'));
  CHECK(excerpt(std::string(1 << 20, 'a')) == std::string(80, 'a') + "... (1048576 bytes)");
}

TEST_CASE("a cut never splits a UTF-8 character", "[excerpt]") {
  std::string text = std::string(79, 'a') + "\xE2\x82\xAC" + "tail";  // the euro sign straddles byte 80
  CHECK(excerpt(text) == std::string(79, 'a') + "... (86 bytes)");
}

}  // namespace
}  // namespace expt
