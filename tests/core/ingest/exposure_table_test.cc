#include <sstream>

#include <catch2/catch.hpp>

#include "core/ingest/csv_reader.h"
#include "core/ingest/exposure_table.h"

namespace expt {
namespace {

Result<ExposureTable> read(const std::string& text, ExposureCounts& counts) {
  std::istringstream in(text);
  CsvReader reader(in, "exposures.csv");
  return read_exposures(reader, ColumnMapping{}, ExperimentArms{"exp", {"control", "treatment"}}, nullptr,
                        IngestOptions{}, counts);
}

TEST_CASE("exposure counts do not depend on row order, so a warehouse query can give the same", "[ingest]") {
  // Entity a: two control rows and a treatment row (conflicting); b: three control rows.
  const std::string header = "entity_id,experiment,variant,timestamp\n";
  const std::vector<std::string> orders = {
      "a,exp,control,1\na,exp,control,2\na,exp,treatment,3\nb,exp,control,4\nb,exp,control,5\nb,exp,control,6\n",
      "a,exp,treatment,3\nb,exp,control,6\na,exp,control,2\nb,exp,control,5\na,exp,control,1\nb,exp,control,4\n",
      "b,exp,control,5\na,exp,control,1\na,exp,treatment,3\nb,exp,control,4\na,exp,control,2\nb,exp,control,6\n"};
  for (const std::string& rows : orders) {
    ExposureCounts counts;
    auto table = read(header + rows, counts);
    REQUIRE(table);
    CHECK(counts.conflicting_entities == 1);
    CHECK(counts.repeated == 2);  // b's further rows; a's are not repeats of a kept exposure
    CHECK(table->entities_per_variant == std::vector<int64_t>{1, 0});
    const uint32_t b = table->entities.find("b", EntityIndex::hash("b"));
    CHECK(table->exposures[b].at_ms == 4000);  // the earliest, whatever came first
  }
}

}  // namespace
}  // namespace expt
