#include <catch2/catch.hpp>

#include "commands/report.h"

namespace expt {
namespace {

TEST_CASE("a report's command line never shows a password from a source URL", "[report]") {
  CHECK(mask_credentials("expt report e --source clickhouse://ana:s3cret@db:8123/x --output r.html") ==
        "expt report e --source clickhouse://ana:***@db:8123/x --output r.html");
  CHECK(mask_credentials("expt report e --source clickhouse://ana@db/x") == "expt report e --source clickhouse://ana@db/x");
  CHECK(mask_credentials("--events /data/a@b.csv") == "--events /data/a@b.csv");
  CHECK(mask_credentials("clickhouse://u:p@h clickhouse://v:q@i") == "clickhouse://u:***@h clickhouse://v:***@i");
}

}  // namespace
}  // namespace expt
