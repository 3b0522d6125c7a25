#include "core/ingest/exposure_table.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "core/base/excerpt.h"
#include "core/base/timestamp.h"

namespace expt {

namespace {
constexpr int64_t k_exposure_sample_rows = 4096;  // rows read before the records are reserved
constexpr ColumnField k_exposure_fields[] = {
    {"entity_id", true}, {"experiment", false}, {"variant", false}, {"timestamp", true}};
enum { k_exposure_entity, k_exposure_experiment, k_exposure_variant, k_exposure_timestamp };
}  // namespace

std::optional<Error> bad_row(const IngestOptions& options, int64_t& bad_rows, SourceLocation at, std::string_view field,
                             std::string message) {
  if (options.skip_bad_rows) {
    ++bad_rows;
    return std::nullopt;
  }
  return Error::invalid(std::move(message), std::move(at), std::string(field));
}

uint32_t ExposureTable::intern(std::string_view id, uint64_t hash) {
  const uint32_t index = entities.intern(hash, [&](uint32_t i) { return is(i, id); });
  if (index < exposures.size()) return index;
  Exposure& e = exposures.emplace_back();
  e.id_length = static_cast<uint32_t>(id.size());
  if (id.size() <= Exposure::k_inline_id) {
    std::memcpy(e.id, id.data(), id.size());
  } else {
    const uint64_t offset = long_ids.size();
    std::memcpy(e.id, &offset, sizeof offset);
    long_ids.append(id);
  }
  return index;
}

std::string_view ExposureTable::entity_id(uint32_t index) const {
  const Exposure& e = exposures[index];
  return {id_bytes(e), e.id_length};
}

namespace {

// One read of the exposures into a table. Good rows are interned a group at a time, in row order,
// after their slots are prefetched: past the caches (a million entities is a 64 MB index) the
// lookups' misses then overlap.
class ExposureReading {
 public:
  ExposureReading(CsvReader& reader, std::vector<int> col, size_t needed, const ExperimentArms& arms,
                  const VariantOracle* oracle, const IngestOptions& options, ExposureCounts& counts)
      : m_reader(reader), m_col(std::move(col)), m_needed(needed), m_arms(arms), m_oracle(oracle), m_options(options),
        m_counts(counts), m_pending(k_group) {
    for (const std::string& v : arms.variants) m_variant_list += (m_variant_list.empty() ? "" : ", ") + v;
    m_table.entities_per_variant.assign(arms.variants.size(), 0);
  }

  Result<void> read();
  ExposureTable finish();

 private:
  struct PendingExposure {
    std::string entity;  // reused: no allocation per row once its capacity is reached
    uint64_t hash = 0;
    int64_t at_ms = 0;
    int variant = 0;
  };
  static constexpr size_t k_group = 32;

  // The error for `field` (one of the k_* positions, or -1 for the whole row), unless bad rows
  // are being skipped, in which case the row is counted and nullopt returned.
  std::optional<Error> bad(int field, std::string message) {
    const int column = field >= 0 ? m_reader.column(static_cast<size_t>(m_col[static_cast<size_t>(field)])) : 1;
    return bad_row(m_options, m_counts.bad_rows, SourceLocation{m_reader.file(), static_cast<int>(m_reader.line()), column},
                   field >= 0 ? k_exposure_fields[field].name : std::string_view(), std::move(message));
  }
  std::string_view field(int which) const { return m_fields[static_cast<size_t>(m_col[static_cast<size_t>(which)])]; }
  // The current row: kept (queued), skipped, or the Error to stop at.
  Result<void> take_row();
  // The variant of the row, named or recomputed; nullopt when the row is skipped (counted).
  Result<std::optional<int>> variant_of(std::string_view entity);
  void record(const PendingExposure& p);
  // The group's records (the first whose hash may match) are prefetched before it is interned.
  void flush();

  CsvReader& m_reader;
  std::vector<int> m_col;
  size_t m_needed;
  const ExperimentArms& m_arms;
  const VariantOracle* m_oracle;
  const IngestOptions& m_options;
  ExposureCounts& m_counts;
  std::string m_variant_list;  // for messages
  std::vector<std::string_view> m_fields;
  ExposureTable m_table;
  std::map<uint32_t, std::map<int32_t, int64_t>> m_conflict_rows;  // per excluded entity: each variant's earliest row
  std::vector<PendingExposure> m_pending;
  size_t m_pending_count = 0;
  std::vector<uint32_t> m_rows_of;  // per entity index: exposure rows read
};

void ExposureReading::record(const PendingExposure& p) {
  const uint32_t index = m_table.intern(p.entity, p.hash);
  Exposure& exposure = m_table.exposures[index];
  if (index == m_rows_of.size()) {
    m_rows_of.push_back(1);
    exposure.at_ms = p.at_ms;
    exposure.variant = p.variant;
    return;
  }
  int32_t& known = exposure.variant;
  if (known == ExposureTable::k_excluded || known != p.variant) {
    // Each variant's earliest row, for the view as of an earlier time (ExposureConflict).
    auto& earliest = m_conflict_rows[index];
    if (known != ExposureTable::k_excluded) {
      earliest[known] = exposure.at_ms;
      known = ExposureTable::k_excluded;
      ++m_counts.conflicting_entities;
    }
    auto [it, fresh] = earliest.emplace(p.variant, p.at_ms);
    if (!fresh) it->second = std::min(it->second, p.at_ms);
    return;
  }
  ++m_rows_of[index];
  exposure.at_ms = std::min(exposure.at_ms, p.at_ms);
}

void ExposureReading::flush() {
  for (size_t i = 0; i < m_pending_count; ++i) {
    const uint32_t candidate = m_table.entities.candidate(m_pending[i].hash);
    if (candidate != EntityIndex::k_absent) __builtin_prefetch(&m_table.exposures[candidate]);
  }
  for (size_t i = 0; i < m_pending_count; ++i) record(m_pending[i]);
  m_pending_count = 0;
}

Result<std::optional<int>> ExposureReading::variant_of(std::string_view entity) {
  const std::string_view variant_text = m_col[k_exposure_variant] >= 0 ? field(k_exposure_variant) : std::string_view();
  if (!variant_text.empty()) {
    auto it = std::find(m_arms.variants.begin(), m_arms.variants.end(), variant_text);
    if (it != m_arms.variants.end()) return std::optional<int>(static_cast<int>(it - m_arms.variants.begin()));
    if (auto e = bad(k_exposure_variant, fmt::format("exposure for unknown variant '{}' of experiment '{}' (variants: {})",
                                                     excerpt(variant_text), m_arms.key, m_variant_list))) {
      return *e;
    }
    return std::optional<int>();
  }
  if (m_oracle == nullptr) {
    return Error::invalid("no variant given and none can be recomputed",
                          SourceLocation{m_reader.file(), static_cast<int>(m_reader.line()), 1});
  }
  ++m_counts.recomputed;
  const int variant = (*m_oracle)(entity);
  if (variant < 0) {
    ++m_counts.not_assigned;
    return std::optional<int>();
  }
  return std::optional<int>(variant);
}

Result<void> ExposureReading::take_row() {
  if (m_fields.size() < m_needed) {
    if (auto e = bad(-1, fmt::format("row has {} fields, expected at least {}", m_fields.size(), m_needed))) return *e;
    return {};
  }
  if (m_col[k_exposure_experiment] >= 0 && field(k_exposure_experiment) != m_arms.key) {
    ++m_counts.other_experiments;
    m_counts.other_experiment_names.add(field(k_exposure_experiment));
    return {};
  }
  const std::string_view entity = field(k_exposure_entity);
  if (entity.empty()) {
    if (auto e = bad(k_exposure_entity, "empty entity_id")) return *e;
    return {};
  }
  const std::string_view ts_text = field(k_exposure_timestamp);
  const std::optional<int64_t> ts = parse_timestamp_ms(ts_text);
  if (!ts) {
    if (auto e = bad(k_exposure_timestamp,
                     fmt::format("timestamp '{}' is neither ISO-8601 nor epoch seconds or milliseconds", excerpt(ts_text)))) {
      return *e;
    }
    return {};
  }
  auto variant = variant_of(entity);
  if (!variant) return std::move(variant).error();
  if (!*variant) return {};
  PendingExposure& p = m_pending[m_pending_count++];
  p.entity.assign(entity);
  p.hash = EntityIndex::hash(entity);
  p.at_ms = *ts;
  p.variant = **variant;
  m_table.entities.prefetch(p.hash);
  if (m_pending_count == k_group) flush();
  return {};
}

Result<void> ExposureReading::read() {
  for (;;) {
    auto more = m_reader.next(m_fields);
    if (!more) return std::move(more).error();
    if (!*more) break;
    ++m_counts.rows;
    if (m_options.progress && m_counts.rows % IngestOptions::k_progress_rows == 0) {
      m_options.progress(m_reader.bytes_read(), m_counts.rows);
    }
    if (m_counts.rows == k_exposure_sample_rows && m_options.exposure_bytes > 0) {
      // One record per row at most, for the rows the input's size projects, with 5% to spare.
      const double rows =
          static_cast<double>(m_options.exposure_bytes) * k_exposure_sample_rows / static_cast<double>(m_reader.bytes_read());
      m_table.exposures.reserve(std::max(m_table.exposures.size(), static_cast<size_t>(rows * 1.05)));
    }
    if (auto taken = take_row(); !taken) return taken;
  }
  flush();
  return {};
}

ExposureTable ExposureReading::finish() {
  for (const auto& [index, earliest] : m_conflict_rows) {
    ExposureConflict c{-1, 0, 0};
    int64_t second = INT64_MAX;
    for (const auto& [variant, at] : earliest) {
      if (c.variant < 0 || at < c.at_ms || (at == c.at_ms && variant < c.variant)) {
        if (c.variant >= 0) second = std::min(second, c.at_ms);
        c.variant = variant;
        c.at_ms = at;
      } else {
        second = std::min(second, at);
      }
    }
    c.excluded_from_ms = second;
    m_table.conflicts.emplace(index, c);
  }
  // Repeats are counted at the end, over the entities that stayed in one variant, so the count
  // does not depend on row order and a warehouse query (core/warehouse) gives the same number.
  for (size_t index = 0; index < m_table.exposures.size(); ++index) {
    const Exposure& e = m_table.exposures[index];
    if (e.variant < 0) continue;
    ++m_table.entities_per_variant[static_cast<size_t>(e.variant)];
    m_counts.repeated += m_rows_of[index] - 1;
  }
  if (m_options.progress) m_options.progress(m_reader.bytes_read(), m_counts.rows);
  return std::move(m_table);
}

}  // namespace

Result<ExposureTable> read_exposures(CsvReader& reader, const ColumnMapping& mapping, const ExperimentArms& arms,
                                     const VariantOracle* oracle, const IngestOptions& options,
                                     ExposureCounts& counts) {
  auto header = read_header(reader, k_exposure_fields, mapping);
  if (!header) return std::move(header).error();
  ExposureReading reading(reader, header->index, header->needed, arms, oracle, options, counts);
  if (auto read = reading.read(); !read) return std::move(read).error();
  return reading.finish();
}

}  // namespace expt
