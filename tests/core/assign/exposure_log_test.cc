#include <fstream>
#include <map>
#include <sstream>

#include <catch2/catch.hpp>

#include "core/assign/bundle.h"
#include "core/assign/exposure_log.h"
#include "core/ingest/csv_reader.h"
#include "core/ingest/exposure_table.h"
#include "core/plan/bundle_publish.h"
#include "tests/support/fixture_registry.h"
#include "tests/support/fixtures.h"

namespace expt {
namespace {

constexpr int64_t k_now = 1795435200000;  // 2026-11-23T12:00:00Z

std::shared_ptr<const BundleSnapshot> fixture_bundle() {
  auto s = testing::running_fixture_snapshot();
  REQUIRE(s);
  return s;
}

TEST_CASE("logged exposures are what expt analyze reads: one row per entity and experiment", "[exposure]") {
  testing::TempDir dir;
  auto bundle = fixture_bundle();
  std::map<std::string, int64_t> expected;  // variant of checkout-cta-color -> entities
  {
    ExposureCsvWriter writer(ExposureCsvOptions{(dir / "exposures.csv").string(), 100});
    for (int repeat = 0; repeat < 2; ++repeat) {  // a service sees each entity twice
      for (int i = 0; i < 3000; ++i) {
        const std::string entity = "user-" + std::to_string(i);
        Evaluation e = evaluate(bundle, entity);
        log_exposures(e, entity, k_now + i, writer.sink());
        if (repeat == 0) {
          for (const EvaluatedLayer& layer : e.layers) {
            if (layer.experiment == "checkout-cta-color") ++expected[std::string(layer.variant)];
          }
        }
      }
    }
    REQUIRE(writer.flush());
    CHECK(writer.repeats_skipped() == writer.rows_written());
  }
  REQUIRE_FALSE(expected.empty());
  std::ifstream in(dir / "exposures.csv");
  CsvReader reader(in, "exposures.csv");
  ExposureCounts counts;
  auto table = read_exposures(reader, ColumnMapping{}, ExperimentArms{"checkout-cta-color", {"control", "green"}},
                              nullptr, IngestOptions{}, counts);
  REQUIRE(table);
  CHECK(counts.repeated == 0);
  CHECK(table->entities_per_variant[0] == expected["control"]);
  CHECK(table->entities_per_variant[1] == expected["green"]);
}

TEST_CASE("exposure files rotate by size, each with a header, and quote awkward IDs", "[exposure]") {
  testing::TempDir dir;
  const std::string path = (dir / "exposures.csv").string();
  {
    ExposureCsvWriter writer(ExposureCsvOptions{path, 10, 2000});
    for (int i = 0; i < 300; ++i) {
      const std::string entity = i == 0 ? "a,\"b\"" : "e" + std::to_string(i);
      writer.write(ExposureEvent{entity, "exp", "control", k_now});
    }
  }
  int files = 0;
  int64_t rows = 0;
  for (int n = 0;; ++n) {
    const auto file = n == 0 ? dir / "exposures.csv" : dir / ("exposures." + std::to_string(n) + ".csv");
    if (!std::filesystem::exists(file)) break;
    ++files;
    const std::string text = testing::read_file(file);
    CHECK(text.rfind("entity_id,experiment,variant,timestamp\n", 0) == 0);
    CHECK(text.size() <= 2000 + 400);
    rows += std::count(text.begin(), text.end(), '\n') - 1;
  }
  CHECK(files > 3);
  CHECK(rows == 300);
  CHECK(testing::read_file(dir / "exposures.1.csv").find("\"a,\"\"b\"\"\",exp,control,2026-11-23T12:00:00Z\n") !=
        std::string::npos);
}

TEST_CASE("a failed write is reported by flush, not thrown at the caller", "[exposure]") {
  ExposureCsvWriter writer(ExposureCsvOptions{"/nonexistent-folder/exposures.csv", 1});
  writer.write(ExposureEvent{"u", "exp", "v", k_now});
  auto flushed = writer.flush();
  REQUIRE_FALSE(flushed);
  CHECK(flushed.error().message == "cannot append to '/nonexistent-folder/exposures.csv'");
}

}  // namespace
}  // namespace expt
