#include <catch2/catch.hpp>

#include "commands/report.h"
#include "core/warehouse/clickhouse_client.h"

namespace expt {
namespace {

TEST_CASE("a report's command line shows the source as parsed, never its password", "[report]") {
  // The reproduction: an unencoded '/' in the password used to end the masking early.
  const std::string url = "clickhouse://ana:hunter2/xyz@db:8123/x";
  auto parsed = parse_clickhouse_url(url, "");
  REQUIRE(parsed);
  CHECK(parsed->password == "hunter2/xyz");
  const std::string described = parsed->describe();
  CHECK(described == "clickhouse://ana@db:8123/x");
  CHECK(with_source_described("expt report e --source " + url + " --output r.html", url, described) ==
        "expt report e --source clickhouse://ana@db:8123/x --output r.html");
  CHECK(with_source_described("expt report e --source=" + url, url, described) == "expt report e --source=clickhouse://ana@db:8123/x");
  CHECK(with_source_described("--events /data/a@b.csv", "", "") == "--events /data/a@b.csv");
}

}  // namespace
}  // namespace expt
