#pragma once
// The exposed entities of one experiment, read from an exposures CSV
// (entity_id, experiment, variant, timestamp): each entity's variant and first exposure time.
// Memory grows with entities. When the variant column is absent or a row leaves it empty, the
// variant is recomputed by hashing (the assignment join), through a caller-supplied oracle.

#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/base/error.h"
#include "core/ingest/column_mapping.h"
#include "core/ingest/csv_reader.h"
#include "core/ingest/entity_index.h"
#include "core/ingest/huge_pages.h"

#include "core/base/name_tally.h"

namespace expt {

struct ExperimentArms {
  std::string key;
  std::vector<std::string> variants;  // control first
};

struct IngestOptions {
  bool skip_bad_rows = false;  // count malformed rows instead of failing on the first
  // Called every k_progress_rows rows and once at the end of each file with the bytes and rows
  // read so far from that file (a progress display; ingest never writes to a terminal itself).
  std::function<void(int64_t bytes, int64_t rows)> progress;
  static constexpr int64_t k_progress_rows = 16384;
  // Events are parsed on a second thread when this is 2 or more (the results are the same bits);
  // `progress` is then called from that thread.
  unsigned threads = 1;
  // The exposures input's size in bytes, when known: read_exposures then reserves its records
  // once, from its first rows, instead of growing them by copies. Room reserved and never used
  // costs address space only.
  int64_t exposure_bytes = 0;
};

// The Error for a malformed row at `at`; or, with skip_bad_rows, nullopt after counting the row
// in `bad_rows`.
std::optional<Error> bad_row(const IngestOptions& options, int64_t& bad_rows, SourceLocation at, std::string_view field,
                             std::string message);

struct ExposureCounts {
  int64_t rows = 0;               // data rows read
  int64_t bad_rows = 0;           // skipped as malformed (with skip_bad_rows)
  int64_t other_experiments = 0;  // rows for another experiment
  NameTally other_experiment_names;  // which experiments those rows were for
  int64_t repeated = 0;           // further rows of entities in one variant (whatever the row order)
  int64_t conflicting_entities = 0;  // entities seen in two variants: excluded from the analysis
  int64_t recomputed = 0;         // rows whose variant came from hashing
  int64_t not_assigned = 0;       // recomputed rows whose entity the experiment does not own
};

// Returns the variant index hashing gives `entity_id` in the experiment, or -1 when the
// experiment does not own the entity (another slot, the global holdout, past a rollout).
using VariantOracle = std::function<int(std::string_view entity_id)>;

// What ingest adds up for one entity and one event type (EventAggregator).
struct EventTotals {
  double sum = 0;
  uint32_t count = 0;
};

// One exposed entity: its ID (which the entity index compares here, so a lookup reads this
// record rather than a wider index slot), its exposure and room for ingest's totals of two
// event types. Ingest reads the record to find an entity, so its totals in the same cache line
// cost no further miss. 64 bytes, aligned: one cache line.
struct alignas(64) Exposure {
  static constexpr size_t k_inline_id = 16;
  static constexpr size_t k_inline_totals = 2;
  int64_t at_ms = 0;    // the earliest exposure
  int32_t variant = 0;  // index into the variants; ExposureTable::k_excluded for conflicting entities
  uint32_t id_length = 0;
  char id[k_inline_id] = {};  // the ID when it fits; else its offset in ExposureTable::long_ids (8 bytes)
  // The first event types' totals, owned by the one EventAggregator over the table (which
  // clears them when it is made); zero after read_exposures.
  EventTotals totals[k_inline_totals];
};
static_assert(sizeof(Exposure) == 64);

// An entity seen in two variants is excluded from the analysis; a view as of an earlier time
// (`analyze --by day`) still has it in its first variant until the first row of another.
struct ExposureConflict {
  int32_t variant = 0;           // the variant of its earliest row
  int64_t at_ms = 0;             // that variant's earliest row
  int64_t excluded_from_ms = 0;  // the earliest row of any other variant
};

struct ExposureTable {
  static constexpr int32_t k_excluded = -1;
  EntityIndex entities;
  // Per entity index, on huge pages (random access).
  std::vector<Exposure, HugePageAllocator<Exposure>> exposures;
  std::string long_ids;  // IDs longer than Exposure::k_inline_id
  std::vector<int64_t> entities_per_variant;
  std::unordered_map<uint32_t, ExposureConflict> conflicts;  // per excluded entity index

  std::string_view entity_id(uint32_t index) const;
  bool is(uint32_t index, std::string_view id) const {
    const Exposure& e = exposures[index];
    return e.id_length == id.size() && std::memcmp(id_bytes(e), id.data(), id.size()) == 0;
  }
  // The entity's index, or EntityIndex::k_absent; the second form takes EntityIndex::hash(id).
  uint32_t find(std::string_view id) const { return find(id, EntityIndex::hash(id)); }
  uint32_t find(std::string_view id, uint64_t hash) const {
    return entities.find(hash, [&](uint32_t index) { return is(index, id); });
  }
  // The entity's index; when new, the next one, with a record holding its ID and no exposure yet.
  uint32_t intern(std::string_view id, uint64_t hash);

 private:
  const char* id_bytes(const Exposure& e) const {
    if (e.id_length <= Exposure::k_inline_id) return e.id;
    uint64_t offset;
    std::memcpy(&offset, e.id, sizeof offset);
    return long_ids.data() + offset;
  }
};

// Reads the exposures for `arms.key`. Errors (with file, line and column; or with
// skip_bad_rows, counted and skipped): a missing column, an empty entity ID, an unparsable
// timestamp, a variant the experiment does not have, a missing variant with no oracle.
Result<ExposureTable> read_exposures(CsvReader& reader, const ColumnMapping& mapping, const ExperimentArms& arms,
                                     const VariantOracle* oracle, const IngestOptions& options,
                                     ExposureCounts& counts);

}  // namespace expt
