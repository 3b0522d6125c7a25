#include "core/base/atomic_file.h"

#include <filesystem>

#include <catch2/catch.hpp>

#include "tests/support/fixtures.h"

namespace expt {
namespace {

size_t files_in(const std::filesystem::path& dir) {
  return static_cast<size_t>(std::distance(std::filesystem::directory_iterator(dir), {}));
}

TEST_CASE("an atomic write replaces the file whole and leaves no temporary file", "[atomic_file]") {
  testing::TempDir dir;
  testing::write_file(dir / "latest.json", "old");
  REQUIRE(write_file_atomically((dir / "latest.json").string(), "new content"));
  CHECK(testing::read_file(dir / "latest.json") == "new content");
  CHECK(files_in(dir.path()) == 1);
  CHECK((std::filesystem::status(dir / "latest.json").permissions() & std::filesystem::perms::others_read) !=
        std::filesystem::perms::none);
}

TEST_CASE("an uncommitted writer leaves the old file untouched", "[atomic_file]") {
  testing::TempDir dir;
  testing::write_file(dir / "out.csv", "old");
  {
    auto writer = AtomicFileWriter::open((dir / "out.csv").string());
    REQUIRE(writer);
    REQUIRE((*writer)->write("half a fi"));
    CHECK(files_in(dir.path()) == 2);  // the temporary file exists while writing
  }
  CHECK(testing::read_file(dir / "out.csv") == "old");
  CHECK(files_in(dir.path()) == 1);
}

TEST_CASE("writing into a missing folder is an io error naming the file", "[atomic_file]") {
  auto r = write_file_atomically("/nonexistent-folder/x.json", "x");
  REQUIRE_FALSE(r);
  CHECK(r.error().kind == ErrorKind::io);
  CHECK(r.error().message.find("/nonexistent-folder/x.json") != std::string::npos);
}

}  // namespace
}  // namespace expt
