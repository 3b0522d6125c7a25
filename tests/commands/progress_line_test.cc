#include <sstream>

#include <catch2/catch.hpp>

#include "commands/render/progress_line.h"

namespace expt {
namespace {

TEST_CASE("the progress line says bytes of the total, the row rate and the time left", "[progress]") {
  CHECK(ProgressLine::describe("data/events.csv", 231'000'000, 530'000'000, 10'000'000, 3.2) ==
        "reading events.csv: 231 MB of 530 MB (44%), 3.1 M rows/s, 4 s left");
  CHECK(ProgressLine::describe("events.csv", 530'000'000, 530'000'000, 23'000'000, 7.0) ==
        "reading events.csv: 530 MB of 530 MB (100%), 3.3 M rows/s");
  // stdin: no total, so no share and no time left.
  CHECK(ProgressLine::describe("-", 2'500'000'000, 0, 90'000'000, 30.0) == "reading -: 2.5 GB, 3.0 M rows/s");
}

TEST_CASE("a disabled progress line writes nothing", "[progress]") {
  std::ostringstream err;
  {
    ProgressLine progress(err, false);
    CHECK_FALSE(progress.for_file("events.csv", 100));
  }
  CHECK(err.str().empty());
}

TEST_CASE("an enabled progress line draws the final state and erases itself", "[progress]") {
  std::ostringstream err;
  {
    ProgressLine progress(err, true);
    auto hook = progress.for_file("events.csv", 1000);
    REQUIRE(hook);
    hook(1000, 10);
  }
  const std::string text = err.str();
  CHECK(text.find("reading events.csv: 1 kB of 1 kB (100%)") != std::string::npos);
  CHECK(text.substr(text.size() - 4) == "\r\033[K");
}

}  // namespace
}  // namespace expt
