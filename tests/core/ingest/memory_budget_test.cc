#include <catch2/catch.hpp>

#include "core/ingest/memory_budget.h"

namespace expt {
namespace {

constexpr int64_t MB = int64_t{1} << 20;

TEST_CASE("memory sizes read in powers of 1024, with or without B or iB", "[ingest][memory]") {
  CHECK(*parse_memory_size("4G") == 4 * 1024 * MB);
  CHECK(*parse_memory_size("512M") == 512 * MB);
  CHECK(*parse_memory_size("512mb") == 512 * MB);
  CHECK(*parse_memory_size("750MiB") == 750 * MB);
  CHECK(*parse_memory_size("1.5GB") == 1536 * MB);
  CHECK(*parse_memory_size("2097152") == 2 * MB);
  CHECK(*parse_memory_size("1T") == 1024 * 1024 * MB);
  for (const char* bad : {"", "G", "4X", "-1G", "1e400", "4 G", "100K", "nan", "4GBB"}) {
    INFO(bad);
    auto r = parse_memory_size(bad);
    REQUIRE(!r);
    CHECK(r.error().field == "memory-limit");
  }
}

TEST_CASE("the default memory limit is three quarters of a real machine's memory", "[ingest][memory]") {
  CHECK(default_memory_limit() > 64 * MB);
  CHECK(resident_bytes() > 0);
}

TEST_CASE("a plan splits duplicate detection into the fewest partitions that fit", "[ingest][memory]") {
  MemoryNeeds needs;
  needs.resident = 100 * MB;
  needs.entity_tables = 50 * MB;
  needs.event_rows = 100'000'000;  // 1.6 GB of fingerprints
  auto roomy = plan_memory(needs, 4096 * MB);
  REQUIRE(roomy);
  CHECK(roomy->partitions == 1);
  CHECK(roomy->dedup_bytes == 1'600'000'000);
  // 1 GB leaves 1024 - 174 MB, less the 12 MB of row marks, for 1.68 GB: two partitions.
  auto tight = plan_memory(needs, 1024 * MB);
  REQUIRE(tight);
  CHECK(tight->partitions == 2);
  auto tighter = plan_memory(needs, 400 * MB);
  REQUIRE(tighter);
  CHECK(tighter->partitions == 8);  // 1.68 GB over the 214 MB left
}

TEST_CASE("percentile values go to disk when they keep the duplicate detector from fitting", "[ingest][memory]") {
  MemoryNeeds needs;
  needs.resident = 100 * MB;
  needs.entity_tables = 50 * MB;
  needs.event_rows = 10'000'000;       // 168 MB of fingerprints
  needs.quantile_values = 10'000'000;  // 114 MB, and 38 MB to copy half of them
  needs.quantile_copy = 5'000'000;
  needs.quantile_samples = 2;
  auto roomy = plan_memory(needs, 1024 * MB);
  REQUIRE(roomy);
  CHECK(roomy->partitions == 1);
  CHECK(!roomy->spill_quantiles);
  // In memory, 400 MB leaves 112 MB for the detector: 2 partitions. On disk (0.5 MB of write
  // buffers while reading) 225 MB: no partitions, so no extra pass.
  auto tight = plan_memory(needs, 400 * MB);
  REQUIRE(tight);
  CHECK(tight->partitions == 1);
  CHECK(tight->spill_quantiles);
  // 250 MB: too little with the values in memory, 3 partitions with them on disk.
  auto tighter = plan_memory(needs, 250 * MB);
  REQUIRE(tighter);
  CHECK(tighter->spill_quantiles);
  CHECK(tighter->partitions == 3);
}

TEST_CASE("a limit below what the entities need is refused, saying how much is needed", "[ingest][memory]") {
  MemoryNeeds needs;
  needs.resident = 100 * MB;
  needs.entity_tables = 50 * MB;
  needs.event_rows = 10'000'000;
  needs.quantile_values = 10'000'000;
  needs.quantile_copy = 5'000'000;
  needs.quantile_samples = 2;
  auto plan = plan_memory(needs, 150 * MB);
  REQUIRE(!plan);
  CHECK(plan.error().field == "memory-limit");
  CHECK_THAT(plan.error().message, Catch::Contains("150 MB is too small") && Catch::Contains("114 MB for percentile values") &&
                                       Catch::Contains("raise the limit to at least 179 MB"));
  CHECK(plan_memory(needs, 179 * MB));
  CHECK(!plan_memory(needs, 178 * MB));
  CHECK_THAT(plan.error().message, Catch::Contains("50 MB for the per-entity tables, 114 MB"));
  // When the exposure records hold every total, the message names no per-entity tables.
  needs.entity_tables = 0;
  auto without = plan_memory(needs, 100 * MB);
  REQUIRE(!without);
  CHECK_THAT(without.error().message, Catch::Contains("it needs 114 MB for percentile values") &&
                                          !Catch::Contains("per-entity"));
  needs.quantile_values = needs.quantile_copy = needs.quantile_samples = 0;
  auto bare = plan_memory(needs, 100 * MB);
  REQUIRE(!bare);
  CHECK_THAT(bare.error().message, Catch::Contains("it needs only room to read them, however many passes"));
}

TEST_CASE("with --by day percentile values stay in memory, and the estimate after reading counts too", "[ingest][memory]") {
  MemoryNeeds needs;
  needs.resident = 100 * MB;
  needs.quantile_values = 10'000'000;  // 114 MB, all in one variant: 76 MB more to estimate
  needs.quantile_copy = 10'000'000;
  needs.quantile_samples = 1;
  needs.kept_events = 1000;
  needs.event_rows = 1000;
  CHECK(plan_memory(needs, 300 * MB));
  auto plan = plan_memory(needs, 260 * MB);  // reading needs 238 MB, estimating 291 MB
  REQUIRE(!plan);
  CHECK_THAT(plan.error().message, Catch::Contains("76 MB to estimate them; on disk instead, not with --by day") &&
                                       Catch::Contains("at least 291 MB"));
  needs.kept_events = 0;  // without --by day: on disk
  auto spilled = plan_memory(needs, 260 * MB);
  REQUIRE(spilled);
  CHECK(spilled->spill_quantiles);
}

}  // namespace
}  // namespace expt
