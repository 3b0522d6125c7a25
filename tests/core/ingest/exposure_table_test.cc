#include <map>
#include <random>
#include <sstream>

#include <catch2/catch.hpp>

#include "core/ingest/csv_reader.h"
#include "core/ingest/exposure_table.h"

#include <fmt/format.h>

namespace expt {
namespace {

Result<ExposureTable> read(const std::string& text, ExposureCounts& counts) {
  std::istringstream in(text);
  CsvReader reader(in, "exposures.csv");
  return read_exposures(reader, ColumnMapping{}, ExperimentArms{"exp", {"control", "treatment"}}, nullptr,
                        IngestOptions{}, counts);
}

TEST_CASE("entity IDs are interned densely and compared as opaque bytes", "[ingest]") {
  ExposureTable table;
  auto intern = [&](std::string_view id) { return table.intern(id, EntityIndex::hash(id)); };
  CHECK(table.find("7") == EntityIndex::k_absent);
  CHECK(intern("7") == 0);
  CHECK(intern("007") == 1);
  CHECK(intern("7 ") == 2);
  CHECK(intern("7") == 0);
  CHECK(table.find("007") == 1);
  CHECK(table.find("07") == EntityIndex::k_absent);
  CHECK(table.exposures.size() == 3);
}

TEST_CASE("IDs of up to 16 bytes are kept in the exposure record and longer ones apart, through every rehash", "[ingest]") {
  ExposureTable table;
  const std::string long_prefix(40, 'x');
  auto id16 = [](int i) { return fmt::format("{:016}", i); };  // exactly the 16 bytes kept inline
  for (int i = 0; i < 50000; ++i) {
    for (const std::string& id : {id16(i), long_prefix + std::to_string(i), id16(i) + "!"}) {
      const size_t before = table.exposures.size();
      REQUIRE(table.intern(id, EntityIndex::hash(id)) == before);
    }
  }
  for (int i = 0; i < 50000; i += 997) {
    const auto at = static_cast<uint32_t>(3 * i);
    CHECK(table.find(id16(i)) == at);
    CHECK(table.find(long_prefix + std::to_string(i)) == at + 1);
    CHECK(table.find(id16(i) + "!") == at + 2);
    CHECK(table.find(long_prefix + std::to_string(i) + "!") == EntityIndex::k_absent);
    CHECK(table.entity_id(at) == id16(i));
    CHECK(table.entity_id(at + 1) == long_prefix + std::to_string(i));
    CHECK(table.entity_id(at + 2) == id16(i) + "!");
  }
  CHECK(table.exposures.size() == 150000);
  CHECK(table.long_ids.size() == 50000 * 17 + 50000 * 40 + 238890);  // the 17-byte IDs, the long ones and their digits
}

TEST_CASE("given the input's size, the exposure records are reserved once from the first rows", "[ingest]") {
  // 10,000 rows of equal length over 7,000 entities: doubling would leave room for 8,192.
  std::string text = "entity_id,experiment,variant,timestamp\n";
  for (int i = 0; i < 10000; ++i) text += fmt::format("user-{:05},exp,{},{}\n", i % 7000, i % 7000 % 2 ? "treatment" : "control", 1'800'000'000 + i);
  ExposureCounts grown_counts, reserved_counts;
  auto grown = read(text, grown_counts);
  std::istringstream in(text);
  CsvReader reader(in, "exposures.csv");
  IngestOptions options;
  options.exposure_bytes = static_cast<int64_t>(text.size());
  auto reserved = read_exposures(reader, ColumnMapping{}, ExperimentArms{"exp", {"control", "treatment"}}, nullptr, options,
                                 reserved_counts);
  REQUIRE(grown);
  REQUIRE(reserved);
  CHECK(grown->exposures.capacity() == 8192);
  CHECK(reserved->exposures.capacity() >= 10000);  // the projected rows, 5% more
  CHECK(reserved->exposures.capacity() <= 10600);
  REQUIRE(reserved->exposures.size() == 7000);
  for (uint32_t i = 0; i < 7000; ++i) {
    CHECK(reserved->entity_id(i) == grown->entity_id(i));
    CHECK(reserved->exposures[i].at_ms == grown->exposures[i].at_ms);
    CHECK(reserved->exposures[i].variant == grown->exposures[i].variant);
  }
  CHECK(reserved_counts.repeated == grown_counts.repeated);
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
    const uint32_t b = table->find("b");
    CHECK(table->exposures[b].at_ms == 4000);  // the earliest, whatever came first
  }
}

TEST_CASE("exposures are interned in groups, and give what a row-at-a-time model gives", "[ingest]") {
  // 5,000 rows over 700 entities: repeats and conflicts fall within and across the groups of
  // rows whose lookups are prefetched together.
  std::mt19937_64 random(5);
  std::string text = "entity_id,experiment,variant,timestamp\n";
  struct Model {
    int first_variant = -1;
    bool conflicting = false;
    int64_t at_ms = INT64_MAX;
    int64_t rows = 0;
  };
  std::map<std::string, Model> model;
  std::vector<std::string> order;  // entities by first appearance: their dense indexes
  for (int i = 0; i < 5000; ++i) {
    const std::string entity = fmt::format("user-{}", random() % 700);
    const int variant = random() % 40 == 0 ? 1 - static_cast<int>(std::hash<std::string>{}(entity) % 2)
                                           : static_cast<int>(std::hash<std::string>{}(entity) % 2);
    const int64_t ts = 1'800'000'000 + static_cast<int64_t>(random() % 100000);
    text += fmt::format("{},exp,{},{}\n", entity, variant ? "treatment" : "control", ts);
    Model& m = model[entity];
    if (m.first_variant < 0) order.push_back(entity);
    if (m.first_variant >= 0 && m.first_variant != variant) m.conflicting = true;
    if (m.first_variant < 0) m.first_variant = variant;
    m.at_ms = std::min(m.at_ms, ts * 1000);
    ++m.rows;
  }
  ExposureCounts counts;
  auto table = read(text, counts);
  REQUIRE(table);
  REQUIRE(table->exposures.size() == order.size());
  int64_t conflicting = 0, repeated = 0;
  std::vector<int64_t> per_variant(2, 0);
  for (size_t index = 0; index < order.size(); ++index) {
    const Model& m = model[order[index]];
    INFO(order[index]);
    CHECK(table->find(order[index]) == index);
    const Exposure& e = table->exposures[index];
    if (m.conflicting) {
      ++conflicting;
      CHECK(e.variant == ExposureTable::k_excluded);
      CHECK(table->conflicts.count(static_cast<uint32_t>(index)) == 1);
      continue;
    }
    CHECK(e.variant == m.first_variant);
    CHECK(e.at_ms == m.at_ms);
    CHECK(table->entity_id(static_cast<uint32_t>(index)) == order[index]);
    repeated += m.rows - 1;
    ++per_variant[static_cast<size_t>(m.first_variant)];
  }
  CHECK(conflicting > 20);
  CHECK(counts.conflicting_entities == conflicting);
  CHECK(counts.repeated == repeated);
  CHECK(table->entities_per_variant == per_variant);
}

}  // namespace
}  // namespace expt
