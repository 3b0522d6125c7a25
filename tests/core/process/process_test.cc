#include <catch2/catch.hpp>

#include <sstream>

#include "core/process/child_process.h"
#include "core/process/file_lock.h"
#include "core/process/input_stream.h"
#include "core/process/spooled_input.h"
#include "tests/support/fixtures.h"

namespace expt {
namespace {

using namespace std::chrono_literals;

TEST_CASE("a file lock is exclusive between holders, and free again once released", "[process]") {
  testing::TempDir dir;
  const std::string path = (dir / "lock").string();
  {
    auto held = FileLock::acquire(path);
    REQUIRE(held);
    auto second = FileLock::try_acquire(path);
    REQUIRE(second);
    CHECK(!second->has_value());
  }
  auto later = FileLock::try_acquire(path);
  REQUIRE(later);
  CHECK(later->has_value());
  CHECK(FileLock::acquire((dir / "missing" / "lock").string()).error().message.starts_with("cannot open the lock file"));
}

TEST_CASE("a child process gets its input and reports its exit status", "[process]") {
  testing::TempDir dir;
  const auto out = dir / "out";
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  ChildOutcome wrote = run_with_input("cat > '" + out.string() + "'", "a finding\n", deadline);
  CHECK(wrote.succeeded());
  CHECK(testing::read_file(out) == "a finding\n");
  ChildOutcome failed = run_with_input("exit 3", "", deadline);
  CHECK(failed.started);
  CHECK(!failed.timed_out);
  CHECK(failed.exit_status == 3);
  // A child that reads nothing of a large input costs the caller no SIGPIPE.
  ChildOutcome deaf = run_with_input("exit 0", std::string(1 << 20, 'x'), deadline);
  CHECK(deaf.started);
}

TEST_CASE("a child process past its deadline is stopped with what it started", "[process]") {
  const auto deadline = std::chrono::steady_clock::now() + 200ms;
  ChildOutcome hung = run_with_input("sleep 60 & sleep 60", "", deadline);
  CHECK(hung.timed_out);
  CHECK(!hung.succeeded());
}

TEST_CASE("a spooled stream can be read again, as many times as needed", "[process]") {
  std::istringstream in("event_id,entity_id\n1,a\n");
  SpooledInput spooled;
  auto path = spooled.spool(in, "the events");
  REQUIRE(path);
  for (int i = 0; i < 2; ++i) {
    std::istringstream none;
    auto reopened = open_input(*path, none);
    REQUIRE(reopened);
    std::string text((std::istreambuf_iterator<char>(*reopened->stream)), std::istreambuf_iterator<char>());
    CHECK(text == "event_id,entity_id\n1,a\n");
  }
}

TEST_CASE("an input named - is the stream given for stdin", "[process]") {
  std::istringstream stdin_stream("x");
  auto in = open_input("-", stdin_stream);
  REQUIRE(in);
  CHECK(in->stream == &stdin_stream);
  CHECK(input_size("-") == 0);
  CHECK(open_input("/nonexistent/file", stdin_stream).error().message == "cannot read '/nonexistent/file'");
}

}  // namespace
}  // namespace expt
