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

Result<ExposureTable> read_exposures(CsvReader& reader, const ColumnMapping& mapping, const ExperimentArms& arms,
                                     const VariantOracle* oracle, const IngestOptions& options,
                                     ExposureCounts& counts) {
  auto header = read_header(reader, k_exposure_fields, mapping);
  if (!header) return std::move(header).error();
  const std::vector<int>& col = header->index;
  const size_t needed = header->needed;
  std::vector<std::string_view> fields;
  std::string variant_list;
  for (const std::string& v : arms.variants) variant_list += (variant_list.empty() ? "" : ", ") + v;

  ExposureTable table;
  std::map<uint32_t, std::map<int32_t, int64_t>> conflict_rows;  // per excluded entity: each variant's earliest row
  table.entities_per_variant.assign(arms.variants.size(), 0);
  // Good rows are interned a group at a time, in row order, after their slots are prefetched:
  // past the caches (a million entities is a 64 MB index) the lookups' misses then overlap.
  struct PendingExposure {
    std::string entity;  // reused: no allocation per row once its capacity is reached
    uint64_t hash = 0;
    int64_t at_ms = 0;
    int variant = 0;
  };
  constexpr size_t k_group = 32;
  std::vector<PendingExposure> pending(k_group);
  size_t pending_count = 0;
  std::vector<uint32_t> rows_of;  // per entity index: exposure rows read
  auto record = [&](std::string_view entity, uint64_t hash, int64_t at_ms, int variant) {
    const uint32_t index = table.intern(entity, hash);
    Exposure& exposure = table.exposures[index];
    if (index == rows_of.size()) {
      rows_of.push_back(1);
      exposure.at_ms = at_ms;
      exposure.variant = variant;
      return;
    }
    int32_t& known = exposure.variant;
    if (known == ExposureTable::k_excluded || known != variant) {
      // Each variant's earliest row, for the view as of an earlier time (ExposureConflict).
      auto& earliest = conflict_rows[index];
      if (known != ExposureTable::k_excluded) {
        earliest[known] = exposure.at_ms;
        known = ExposureTable::k_excluded;
        ++counts.conflicting_entities;
      }
      auto [it, fresh] = earliest.emplace(variant, at_ms);
      if (!fresh) it->second = std::min(it->second, at_ms);
      return;
    }
    ++rows_of[index];
    exposure.at_ms = std::min(exposure.at_ms, at_ms);
  };
  // The group's records (the first whose hash may match) are prefetched before it is interned.
  auto flush = [&] {
    for (size_t i = 0; i < pending_count; ++i) {
      const uint32_t candidate = table.entities.candidate(pending[i].hash);
      if (candidate != EntityIndex::k_absent) __builtin_prefetch(&table.exposures[candidate]);
    }
    for (size_t i = 0; i < pending_count; ++i) {
      const PendingExposure& p = pending[i];
      record(p.entity, p.hash, p.at_ms, p.variant);
    }
    pending_count = 0;
  };
  for (;;) {
    auto more = reader.next(fields);
    if (!more) return std::move(more).error();
    if (!*more) break;
    ++counts.rows;
    if (options.progress && counts.rows % IngestOptions::k_progress_rows == 0) {
      options.progress(reader.bytes_read(), counts.rows);
    }
    if (counts.rows == k_exposure_sample_rows && options.exposure_bytes > 0) {
      // One record per row at most, for the rows the input's size projects, with 5% to spare.
      const double rows = static_cast<double>(options.exposure_bytes) * k_exposure_sample_rows / static_cast<double>(reader.bytes_read());
      table.exposures.reserve(std::max(table.exposures.size(), static_cast<size_t>(rows * 1.05)));
    }
    // The error for `field` (one of the k_* positions, or -1 for the whole row), unless bad rows
    // are being skipped, in which case the row is counted and nullopt returned.
    auto bad = [&](int field, std::string message) {
      const int column = field >= 0 ? reader.column(static_cast<size_t>(col[static_cast<size_t>(field)])) : 1;
      return bad_row(options, counts.bad_rows, SourceLocation{reader.file(), static_cast<int>(reader.line()), column},
                     field >= 0 ? k_exposure_fields[field].name : std::string_view(), std::move(message));
    };
    if (fields.size() < needed) {
      if (auto e = bad(-1, fmt::format("row has {} fields, expected at least {}", fields.size(), needed))) return *e;
      continue;
    }
    if (col[k_exposure_experiment] >= 0 && fields[static_cast<size_t>(col[k_exposure_experiment])] != arms.key) {
      ++counts.other_experiments;
      counts.other_experiment_names.add(fields[static_cast<size_t>(col[k_exposure_experiment])]);
      continue;
    }
    std::string_view entity = fields[static_cast<size_t>(col[k_exposure_entity])];
    if (entity.empty()) {
      if (auto e = bad(k_exposure_entity, "empty entity_id")) return *e;
      continue;
    }
    std::string_view ts_text = fields[static_cast<size_t>(col[k_exposure_timestamp])];
    auto ts = parse_timestamp_ms(ts_text);
    if (!ts) {
      if (auto e = bad(k_exposure_timestamp,
                       fmt::format("timestamp '{}' is neither ISO-8601 nor epoch seconds or milliseconds", excerpt(ts_text)))) {
        return *e;
      }
      continue;
    }
    int variant = -1;
    std::string_view variant_text = col[k_exposure_variant] >= 0 ? fields[static_cast<size_t>(col[k_exposure_variant])] : std::string_view();
    if (!variant_text.empty()) {
      auto it = std::find(arms.variants.begin(), arms.variants.end(), variant_text);
      if (it == arms.variants.end()) {
        if (auto e = bad(k_exposure_variant, fmt::format("exposure for unknown variant '{}' of experiment '{}' (variants: {})",
                                                     excerpt(variant_text), arms.key, variant_list))) {
          return *e;
        }
        continue;
      }
      variant = static_cast<int>(it - arms.variants.begin());
    } else {
      if (oracle == nullptr) {
        return Error::invalid("no variant given and none can be recomputed", SourceLocation{reader.file(),
                                                                                          static_cast<int>(reader.line()), 1});
      }
      ++counts.recomputed;
      variant = (*oracle)(entity);
      if (variant < 0) {
        ++counts.not_assigned;
        continue;
      }
    }
    PendingExposure& p = pending[pending_count++];
    p.entity.assign(entity);
    p.hash = EntityIndex::hash(entity);
    p.at_ms = *ts;
    p.variant = variant;
    table.entities.prefetch(p.hash);
    if (pending_count == k_group) flush();
  }
  flush();
  for (const auto& [index, earliest] : conflict_rows) {
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
    table.conflicts.emplace(index, c);
  }
  // Repeats are counted at the end, over the entities that stayed in one variant, so the count
  // does not depend on row order and a warehouse query (core/warehouse) gives the same number.
  for (size_t index = 0; index < table.exposures.size(); ++index) {
    const Exposure& e = table.exposures[index];
    if (e.variant < 0) continue;
    ++table.entities_per_variant[static_cast<size_t>(e.variant)];
    counts.repeated += rows_of[index] - 1;
  }
  if (options.progress) options.progress(reader.bytes_read(), counts.rows);
  return table;
}

}  // namespace expt
