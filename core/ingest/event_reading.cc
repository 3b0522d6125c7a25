// One pass of EventAggregator over the events (core/ingest/event_aggregator.h), in two stages.
// Parse: read and split rows, skip other event types, copy the fields, hash the entity and take
// its candidate from the entity index, parse timestamp and value. Apply: confirm the entity in
// its exposure record, then the rules and the totals (in that same record for the first event
// types), in row order, exactly as a row-at-a-time loop would, so one thread or two give the same
// bits. With two threads the stages overlap; within each, groups of rows are hashed and
// prefetched together so their cache misses overlap too. The prefetch loops are written out in
// each stage: through a shared helper GCC 12 emitted no prefetch at all.

#include <exception>
#include <thread>

#include <fmt/format.h>

#include "core/base/excerpt.h"
#include "core/base/timestamp.h"
#include "core/ingest/event_aggregator.h"
#include "core/ingest/event_value.h"
#include "core/ingest/row_batch.h"

namespace expt {

namespace stages = ingest_stages;

struct EventAggregator::Reading {
  CsvReader& reader;
  const IngestOptions& options;
  EventCounts& counts;
  Pass pass;
  int partition;
  std::vector<int> col;  // per k_event_columns field: its column, or -1
  size_t needed;         // fields a row must have
  int64_t rows_before;   // counts.rows when the pass began
  int64_t sample_relevant = 0;
  std::vector<std::string_view> fields;
  std::optional<Error> error;

  // A malformed row: counted and skipped (nullopt), or the Error to stop at.
  std::optional<Error> bad(int64_t line, int column, int field, std::string message) {
    return bad_row(options, counts.bad_rows, SourceLocation{reader.file(), static_cast<int>(line), column},
                   field >= 0 ? k_event_columns[field].name : std::string_view(), std::move(message));
  }

  // A row's timestamp and value, judged alike by both passes: ok, or a bad row to skip (counted)
  // or to stop at (`error`).
  enum class Verdict { ok, skip, stop };
  Verdict judge_values(const stages::PendingRow& row) {
    if (row.has_at_ms && row.has_value) return Verdict::ok;
    error = !row.has_at_ms ? bad(row.line, row.timestamp_column, k_timestamp,
                                 fmt::format("timestamp '{}' is neither ISO-8601 nor epoch seconds or milliseconds",
                                             excerpt(row.timestamp.view())))
                           : bad(row.line, row.value_column, k_value,
                                 fmt::format("value '{}' is not a number", excerpt(row.value_text.view())));
    return error ? Verdict::stop : Verdict::skip;
  }
};

inline uint32_t EventAggregator::confirm_entity(const stages::PendingRow& row) const {
  // Another ID sharing the index's hash bits is rare.
  const uint32_t entity = row.entity_index;
  if (entity == EntityIndex::k_absent || m_exposures.is(entity, row.entity.view())) return entity;
  return m_exposures.find(row.entity.view(), row.entity_hash);
}

inline bool EventAggregator::is_exposed(uint32_t entity) const {
  return entity != EntityIndex::k_absent && m_exposures.exposures[entity].variant != ExposureTable::k_excluded;
}

inline bool EventAggregator::is_marked(int64_t ordinal) const {
  const auto word = static_cast<size_t>(ordinal >> 6);
  return word < m_duplicate_rows.size() && (m_duplicate_rows[word] >> (ordinal & 63) & 1) != 0;
}

inline void EventAggregator::mark_row(int64_t ordinal) {
  const auto word = static_cast<size_t>(ordinal >> 6);
  if (word >= m_duplicate_rows.size()) m_duplicate_rows.resize(std::max(word + 1, m_duplicate_rows.size() * 2), 0);
  m_duplicate_rows[word] |= uint64_t{1} << (ordinal & 63);
}

// A group's entities, as far as the index tells (the slots were prefetched as the rows were
// parsed): each one's candidate record, which the apply stage confirms against the ID kept
// there. The parse stage never reads the records: the apply stage reads the exposure and writes
// the totals in the same line, so with two threads no record line moves between the cores.
// Timestamps and values are parsed for the rows that may count.
void EventAggregator::resolve_rows(stages::RowBatch& b, size_t from) {
  for (size_t i = from; i < b.count; ++i) {
    stages::PendingRow& row = b.rows[i];
    row.entity_index = m_exposures.entities.candidate(row.entity_hash);
    if (row.entity_index == EntityIndex::k_absent) continue;
    const std::optional<int64_t> at_ms = parse_timestamp_ms(row.timestamp.view());
    row.has_at_ms = at_ms.has_value();
    row.at_ms = at_ms.value_or(0);
    const std::string_view value_text = row.value_text.view();
    const std::optional<double> value = value_text.empty() ? std::optional<double>(1.0) : parse_event_value(value_text);
    row.has_value = value.has_value();
    row.value = value.value_or(0);
  }
}

void EventAggregator::parse_batch(Reading& r, stages::RowBatch& b) {
  EventCounts& counts = r.counts;
  const IngestOptions& options = r.options;
  b.count = 0;
  b.end = stages::RowBatch::End::full;
  b.error.reset();
  b.reserve_seen = 0;
  b.projected_rows.clear();
  size_t group = 0;
  while (b.count < b.rows.size()) {
    auto more = r.reader.next(r.fields);
    if (!more) {
      b.end = stages::RowBatch::End::error;
      b.error = std::move(more).error();
      break;
    }
    if (!*more) {
      b.end = stages::RowBatch::End::input;
      if (options.progress) options.progress(r.reader.bytes_read(), counts.rows - r.rows_before);
      break;
    }
    ++counts.rows;
    if (options.progress && (counts.rows - r.rows_before) % IngestOptions::k_progress_rows == 0) {
      options.progress(r.reader.bytes_read(), counts.rows - r.rows_before);
    }
    if (counts.rows - r.rows_before == k_sample_rows && m_expected_bytes > 0) {
      const double rows = projected_rows(m_expected_bytes, r.reader.bytes_read());
      b.reserve_seen = projected_ids(rows, r.sample_relevant);
      for (const Slot& slot : m_slots) b.projected_rows.push_back(rows * static_cast<double>(slot.rows) / k_sample_rows);
    }
    if (r.fields.size() < r.needed) {
      b.end = stages::RowBatch::End::short_row;
      b.short_row_line = r.reader.line();
      b.short_row_fields = r.fields.size();
      break;
    }
    auto at = [&](int field) { return r.fields[static_cast<size_t>(r.col[static_cast<size_t>(field)])]; };
    const int slot = slot_of(at(k_type));
    if (slot < 0) {
      ++counts.other_event_types;
      counts.other_event_type_names.add(at(k_type));
      continue;
    }
    ++r.sample_relevant;
    ++m_slots[static_cast<size_t>(slot)].rows;
    stages::PendingRow& row = b.rows[b.count++];
    row.entity.assign(at(k_entity));
    row.timestamp.assign(at(k_timestamp));
    row.value_text.assign(r.col[k_value] >= 0 ? at(k_value) : std::string_view());
    row.line = r.reader.line();
    row.timestamp_column = r.reader.column(static_cast<size_t>(r.col[k_timestamp]));
    row.value_column = r.col[k_value] >= 0 ? r.reader.column(static_cast<size_t>(r.col[k_value])) : 0;
    row.slot = slot;
    row.entity_hash = EntityIndex::hash(row.entity.view());
    row.fingerprint = FingerprintSet::fingerprint(at(k_event_id));
    m_exposures.entities.prefetch(row.entity_hash);
    if (b.count - group == stages::k_group) {
      resolve_rows(b, group);
      group = b.count;
    }
  }
  resolve_rows(b, group);
}

// A marking pass: of the rows ingest would deduplicate, those in this partition.
Result<void> EventAggregator::mark_rows(Reading& r, stages::RowBatch& b) {
  if (b.reserve_seen > 0) m_seen.reserve(b.reserve_seen / static_cast<size_t>(m_partitions) * 21 / 20);
  for (size_t group = 0; group < b.count; group += stages::k_group) {
    const size_t group_end = std::min(b.count, group + stages::k_group);
    for (size_t i = group; i < group_end; ++i) {
      const stages::PendingRow& row = b.rows[i];
      if (row.entity_index == EntityIndex::k_absent) continue;
      __builtin_prefetch(&m_exposures.exposures[row.entity_index]);
      m_seen.prefetch(row.fingerprint);
    }
    for (size_t i = group; i < group_end; ++i) {
      const stages::PendingRow& row = b.rows[i];
      if (!is_exposed(confirm_entity(row))) continue;
      if (const Reading::Verdict v = r.judge_values(row); v != Reading::Verdict::ok) {
        if (v == Reading::Verdict::stop) return *r.error;
        continue;
      }
      if (FingerprintSet::partition(row.fingerprint, m_partitions) != r.partition) continue;
      if (!m_seen.insert(row.fingerprint)) mark_row(m_row_ordinal + static_cast<int64_t>(i));
    }
  }
  m_row_ordinal += static_cast<int64_t>(b.count);
  return {};
}

Result<void> EventAggregator::count_rows(Reading& r, stages::RowBatch& b) {
  EventCounts& counts = r.counts;
  const bool partitioned = m_partitions > 1;
  if (b.reserve_seen > 0) {
    if (!partitioned) m_seen.reserve(b.reserve_seen);
    if (m_spilled.empty()) reserve_quantile_values(b.projected_rows);
  }
  for (size_t group = 0; group < b.count; group += stages::k_group) {
    const size_t group_end = std::min(b.count, group + stages::k_group);
    for (size_t i = group; i < group_end; ++i) {
      const stages::PendingRow& row = b.rows[i];
      if (row.entity_index == EntityIndex::k_absent) continue;
      __builtin_prefetch(&m_exposures.exposures[row.entity_index], 1);
      const Slot& slot = m_slots[static_cast<size_t>(row.slot)];
      if (slot.in_record < 0) __builtin_prefetch(&slot.entity[row.entity_index], 1);
      m_seen.prefetch(row.fingerprint);
    }
    for (size_t i = group; i < group_end; ++i) {
      const stages::PendingRow& row = b.rows[i];
      const uint32_t entity = confirm_entity(row);
      if (!is_exposed(entity)) {
        ++counts.unexposed;
        if (m_keep_events && entity != EntityIndex::k_absent) {
          keep_conflicting(row.slot, entity, row.fingerprint, row.timestamp.view(), row.value_text.view());
        }
        continue;
      }
      const Exposure& exposure = m_exposures.exposures[entity];
      if (const Reading::Verdict v = r.judge_values(row); v != Reading::Verdict::ok) {
        if (v == Reading::Verdict::stop) return *r.error;
        continue;
      }
      const int64_t ts = row.at_ms;
      const double value = row.value;
      if (partitioned ? is_marked(m_row_ordinal + static_cast<int64_t>(i)) : !m_seen.insert(row.fingerprint)) {
        ++counts.duplicates;
        continue;
      }
      Slot& slot = m_slots[static_cast<size_t>(row.slot)];
      if (ts < exposure.at_ms) {
        ++counts.before_exposure;
        if (slot.pre.size() > 0 && ts >= exposure.at_ms - m_covariates.window_ms) {
          ++counts.covariate;
          slot.pre[entity].count += 1;
          slot.pre[entity].sum += value;
        }
        continue;
      }
      ++counts.counted;
      if (m_keep_events) m_counted.push_back(CountedEvent{ts, value, entity, static_cast<uint32_t>(row.slot)});
      if (!counts.first_ms || ts < *counts.first_ms) counts.first_ms = ts;
      if (!counts.last_ms || ts > *counts.last_ms) counts.last_ms = ts;
      Accumulator& a = totals(slot, entity);
      a.count += 1;
      a.sum += value;
      for (int metric : m_quantile_metrics_of_slot[static_cast<size_t>(row.slot)]) {
        if (m_spilled.empty()) {
          m_quantile[static_cast<size_t>(metric)][static_cast<size_t>(exposure.variant)].add(value, entity);
        } else if (auto spilled = m_spilled[static_cast<size_t>(metric)][static_cast<size_t>(exposure.variant)].add(value, entity);
                   !spilled) {
          return spilled;
        }
      }
    }
  }
  m_row_ordinal += static_cast<int64_t>(b.count);
  return {};
}

// The rows, then what ended the batch; true in `done` when nothing follows.
Result<void> EventAggregator::apply_batch(Reading& r, stages::RowBatch& b, bool& done) {
  done = b.end == stages::RowBatch::End::input || b.end == stages::RowBatch::End::error;
  if (auto applied = r.pass == Pass::mark_duplicates ? mark_rows(r, b) : count_rows(r, b); !applied) {
    done = true;
    return applied;
  }
  if (b.end == stages::RowBatch::End::error) return std::move(*b.error);
  if (b.end == stages::RowBatch::End::short_row) {
    if (auto e = r.bad(b.short_row_line, 1, -1,
                       fmt::format("row has {} fields, expected at least {}", b.short_row_fields, r.needed))) {
      done = true;
      return *e;
    }
  }
  return {};
}

Result<void> EventAggregator::read_events(CsvReader& reader, const ColumnMapping& mapping, const IngestOptions& options,
                                          EventCounts& counts, Pass pass, int partition) {
  auto header = read_header(reader, k_event_columns, mapping);
  if (!header) return std::move(header).error();
  Reading r{reader, options, counts, pass, partition, header->index, header->needed, counts.rows, 0, {}, {}};
  m_row_ordinal = 0;

  if (options.threads <= 1) {
    stages::RowBatch batch;
    for (bool done = false; !done;) {
      parse_batch(r, batch);
      if (auto applied = apply_batch(r, batch, done); !applied) return applied;
    }
    return {};
  }
  stages::BatchQueue queue(4);
  std::exception_ptr parse_failure;
  std::thread parser([&] {
    try {
      for (;;) {
        stages::RowBatch* b = queue.take_free();
        if (b == nullptr) return;
        parse_batch(r, *b);
        const bool last = b->end == stages::RowBatch::End::input || b->end == stages::RowBatch::End::error;
        queue.put_ready(b);
        if (last) return;
      }
    } catch (...) {
      parse_failure = std::current_exception();
      stages::RowBatch* b = queue.take_free();  // tell the apply stage, which is waiting for a batch
      if (b == nullptr) return;
      b->count = 0;
      b->end = stages::RowBatch::End::error;
      b->error = Error::io("reading the events failed: out of memory", reader.file());
      queue.put_ready(b);
    }
  });
  Result<void> result;
  try {
    for (bool done = false; !done;) {
      stages::RowBatch* b = queue.take_ready();
      result = apply_batch(r, *b, done);
      queue.put_free(b);
    }
  } catch (...) {  // out of memory in the apply stage: the parse stage must end before we leave
    queue.stop();
    parser.join();
    throw;
  }
  queue.stop();
  parser.join();
  if (parse_failure) std::rethrow_exception(parse_failure);
  return result;
}

}  // namespace expt
