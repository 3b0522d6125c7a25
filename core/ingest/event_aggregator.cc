#include "core/ingest/event_aggregator.h"

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "core/base/excerpt.h"
#include "core/base/timestamp.h"
#include "core/ingest/event_value.h"
#include "core/ingest/row_batch.h"

namespace expt {

namespace {
constexpr ColumnField k_fields[] = {
    {"event_id", true}, {"entity_id", true}, {"event_type", true}, {"timestamp", true}, {"value", false}};
enum { k_event_id, k_entity, k_type, k_timestamp, k_value };

// The duplicate detector is sized once, from the first rows of the input: the rows it projects
// for the whole input from the bytes those rows took, times the share of them that have the
// metrics' event types (counted over all but the last sample row), with 5% to spare.
constexpr int64_t k_sample_rows = 4096;
double projected_rows(int64_t input_bytes, int64_t sample_bytes) {
  return static_cast<double>(input_bytes) * k_sample_rows / static_cast<double>(sample_bytes);
}
size_t projected_ids(double rows, int64_t relevant) {
  return static_cast<size_t>(rows * static_cast<double>(relevant) / k_sample_rows * 1.05);
}

// The event types the metrics read, numerators then denominators, each once, in the order the
// aggregator numbers its slots; the presizer judges rows by the same list.
std::vector<std::string> metric_event_types(const std::vector<MetricSpec>& metrics) {
  std::vector<std::string> types;
  auto add = [&types](const std::string& type) {
    if (std::find(types.begin(), types.end(), type) == types.end()) types.push_back(type);
  };
  for (const MetricSpec& m : metrics) {
    add(m.measure.event_type);
    if (m.denominator) add(m.denominator->event_type);
  }
  return types;
}

}  // namespace

EventAggregator::EventAggregator(ExposureTable& exposures, std::vector<MetricSpec> metrics, size_t variants,
                                 CovariateWindows covariates)
    : m_exposures(exposures),
      m_metrics(std::move(metrics)),
      m_variants(variants),
      m_covariates(std::move(covariates)) {
  for (Exposure& e : m_exposures.exposures) std::fill(std::begin(e.totals), std::end(e.totals), EventTotals{});
  m_covariates.metrics.resize(m_metrics.size(), false);
  for (const std::string& type : metric_event_types(m_metrics)) add_slot(type);
  for (size_t i = 0; i < m_metrics.size(); ++i) {
    const MetricSpec& m = m_metrics[i];
    const int slot = slot_of(m.measure.event_type);
    m_metric_slot.push_back(slot);
    m_metric_denominator.push_back(m.denominator ? slot_of(m.denominator->event_type) : -1);
    const bool covariate = m_covariates.metrics[i] && (m.type == MetricType::mean || m.type == MetricType::conversion);
    m_covariates.metrics[i] = covariate;
    Slot& s = m_slots[static_cast<size_t>(slot)];
    if (covariate && s.pre.size() == 0) s.pre = ZeroedArray<Accumulator>(m_exposures.exposures.size());
  }
  m_quantile_metrics_of_slot.resize(m_slots.size());
  m_quantile.resize(m_metrics.size());
  for (size_t i = 0; i < m_metrics.size(); ++i) {
    if (m_metrics[i].type != MetricType::percentile) continue;
    m_quantile_metrics_of_slot[static_cast<size_t>(m_metric_slot[i])].push_back(static_cast<int>(i));
    m_quantile[i].resize(variants);
  }
}

int EventAggregator::slot_of(std::string_view event_type) const {
  for (size_t i = 0; i < m_slots.size(); ++i) {
    if (m_slots[i].event_type == event_type) return static_cast<int>(i);
  }
  return -1;
}

int64_t EventAggregator::rows_of_event_type(std::string_view event_type) const {
  const int slot = slot_of(event_type);
  return slot < 0 ? 0 : m_slots[static_cast<size_t>(slot)].rows;
}

int EventAggregator::add_slot(const std::string& event_type) {
  int existing = slot_of(event_type);
  if (existing >= 0) return existing;
  Slot slot{event_type, -1, {}, {}, 0};
  if (m_slots.size() < Exposure::k_inline_totals) {
    slot.in_record = static_cast<int>(m_slots.size());
  } else {
    slot.entity = ZeroedArray<Accumulator>(m_exposures.exposures.size());
  }
  m_slots.push_back(std::move(slot));
  return static_cast<int>(m_slots.size() - 1);
}

FingerprintSet EventAggregator::presized_duplicate_detector(CsvReader& head, const ColumnMapping& mapping,
                                                            const std::vector<MetricSpec>& metrics, int64_t input_bytes,
                                                            size_t max_bytes) {
  FingerprintSet seen;
  auto header = read_header(head, k_fields, mapping);
  if (!header || input_bytes <= 0) return seen;  // ingest reports what is wrong
  const std::vector<std::string> types = metric_event_types(metrics);
  // The rows ingest samples, judged as it judges them, so its own reserve then finds the room.
  std::vector<std::string_view> fields;
  int64_t rows = 0, relevant = 0;
  for (;;) {
    auto more = head.next(fields);
    if (!more || !*more) return seen;  // a bad row ingest will report, or an input too small to matter
    if (++rows == k_sample_rows) break;
    if (fields.size() < header->needed) continue;
    const std::string_view type = fields[static_cast<size_t>(header->index[k_type])];
    if (std::find(types.begin(), types.end(), type) != types.end()) ++relevant;
  }
  const size_t ids = projected_ids(projected_rows(input_bytes, head.bytes_read()), relevant);
  if (FingerprintSet::memory_bytes_for(ids) > max_bytes) return seen;
  seen.reserve(ids);
  seen.prefault();
  return seen;
}

void EventAggregator::adopt_duplicate_detector(FingerprintSet seen) {
  if (m_seen.size() == 0 && m_partitions <= 1) m_seen = std::move(seen);
}

Result<void> EventAggregator::ingest(CsvReader& reader, const ColumnMapping& mapping, const IngestOptions& options,
                                     EventCounts& counts) {
  return read_events(reader, mapping, options, counts, Pass::count, 0);
}

Result<void> EventAggregator::mark_duplicates(CsvReader& reader, const ColumnMapping& mapping, const IngestOptions& options,
                                              int partition, int partitions) {
  m_partitions = std::max(partitions, 1);
  if (partition == 0) {
    m_duplicate_rows.clear();
    m_seen = FingerprintSet();  // one adopted for a single pass would hold every partition's IDs
  }
  // A marking pass reads the same rows as ingest will: what it would count is counted there.
  EventCounts unused;
  std::vector<int64_t> slot_rows;
  for (const Slot& slot : m_slots) slot_rows.push_back(slot.rows);
  auto marked = read_events(reader, mapping, options, unused, Pass::mark_duplicates, partition);
  for (size_t i = 0; i < m_slots.size(); ++i) m_slots[i].rows = slot_rows[i];
  m_seen = FingerprintSet();  // this partition's IDs are done with: free them before the next pass
  return marked;
}

Result<void> EventAggregator::read_events(CsvReader& reader, const ColumnMapping& mapping, const IngestOptions& options,
                                          EventCounts& counts, Pass pass, int partition) {
  auto header = read_header(reader, k_fields, mapping);
  if (!header) return std::move(header).error();
  const std::vector<int> col = header->index;
  const size_t needed = header->needed;
  auto bad = [&](int64_t line, int column, int field, std::string message) {
    return bad_row(options, counts.bad_rows, SourceLocation{reader.file(), static_cast<int>(line), column},
                   field >= 0 ? k_fields[field].name : std::string_view(), std::move(message));
  };

  // Two stages. Parse: read and split rows, skip other event types, copy the fields, hash the
  // entity and take its candidate from the entity index, parse timestamp and value.
  // Apply: confirm the entity in its exposure record, then the rules and the totals (in that
  // same record for the first event types), in row order, exactly as a row-at-a-time loop would,
  // so one thread or two give the same bits. With two threads the stages overlap; within each,
  // groups of rows are hashed and prefetched together so their cache misses overlap too.
  using ingest_stages::BatchQueue, ingest_stages::PendingRow, ingest_stages::RowBatch, ingest_stages::k_group;
  int64_t sample_relevant = 0;
  const int64_t rows_before = counts.rows;
  m_row_ordinal = 0;
  std::vector<std::string_view> fields;
  // A group's entities, as far as the index tells (the slots were prefetched as the rows were
  // parsed): each one's candidate record, which the apply stage confirms against the ID kept
  // there. The parse stage never reads the records: the apply stage reads the exposure and
  // writes the totals in the same line, so with two threads no record line moves between the
  // cores. Timestamps and values are parsed for the rows that may count.
  auto resolve = [&](RowBatch& b, size_t from) {
    for (size_t i = from; i < b.count; ++i) {
      PendingRow& row = b.rows[i];
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
  };
  auto parse = [&](RowBatch& b) {
    b.count = 0;
    b.end = RowBatch::End::full;
    b.error.reset();
    b.reserve_seen = 0;
    b.projected_rows.clear();
    size_t group = 0;
    while (b.count < b.rows.size()) {
      auto more = reader.next(fields);
      if (!more) {
        b.end = RowBatch::End::error;
        b.error = std::move(more).error();
        break;
      }
      if (!*more) {
        b.end = RowBatch::End::input;
        if (options.progress) options.progress(reader.bytes_read(), counts.rows - rows_before);
        break;
      }
      ++counts.rows;
      if (options.progress && (counts.rows - rows_before) % IngestOptions::k_progress_rows == 0) {
        options.progress(reader.bytes_read(), counts.rows - rows_before);
      }
      if (counts.rows - rows_before == k_sample_rows && m_expected_bytes > 0) {
        const double rows = projected_rows(m_expected_bytes, reader.bytes_read());
        b.reserve_seen = projected_ids(rows, sample_relevant);
        for (const Slot& slot : m_slots) b.projected_rows.push_back(rows * static_cast<double>(slot.rows) / k_sample_rows);
      }
      if (fields.size() < needed) {
        b.end = RowBatch::End::short_row;
        b.short_row_line = reader.line();
        b.short_row_fields = fields.size();
        break;
      }
      auto at = [&](int field) { return fields[static_cast<size_t>(col[static_cast<size_t>(field)])]; };
      const int slot = slot_of(at(k_type));
      if (slot < 0) {
        ++counts.other_event_types;
        counts.other_event_type_names.add(at(k_type));
        continue;
      }
      ++sample_relevant;
      ++m_slots[static_cast<size_t>(slot)].rows;
      PendingRow& row = b.rows[b.count++];
      row.entity.assign(at(k_entity));
      row.timestamp.assign(at(k_timestamp));
      row.value_text.assign(col[k_value] >= 0 ? at(k_value) : std::string_view());
      row.line = reader.line();
      row.timestamp_column = reader.column(static_cast<size_t>(col[k_timestamp]));
      row.value_column = col[k_value] >= 0 ? reader.column(static_cast<size_t>(col[k_value])) : 0;
      row.slot = slot;
      row.entity_hash = EntityIndex::hash(row.entity.view());
      row.fingerprint = FingerprintSet::fingerprint(at(k_event_id));
      m_exposures.entities.prefetch(row.entity_hash);
      if (b.count - group == k_group) {
        resolve(b, group);
        group = b.count;
      }
    }
    resolve(b, group);
  };

  // The row's entity, confirmed against the ID in its candidate record (another ID sharing the
  // index's hash bits is rare), or k_absent.
  auto confirm = [&](const PendingRow& row) {
    const uint32_t entity = row.entity_index;
    if (entity == EntityIndex::k_absent || m_exposures.is(entity, row.entity.view())) return entity;
    return m_exposures.find(row.entity.view(), row.entity_hash);
  };
  auto exposed = [&](uint32_t entity) {
    return entity != EntityIndex::k_absent && m_exposures.exposures[entity].variant != ExposureTable::k_excluded;
  };
  auto is_marked = [&](int64_t ordinal) {
    const auto word = static_cast<size_t>(ordinal >> 6);
    return word < m_duplicate_rows.size() && (m_duplicate_rows[word] >> (ordinal & 63) & 1) != 0;
  };
  auto mark = [&](int64_t ordinal) {
    const auto word = static_cast<size_t>(ordinal >> 6);
    if (word >= m_duplicate_rows.size()) m_duplicate_rows.resize(std::max(word + 1, m_duplicate_rows.size() * 2), 0);
    m_duplicate_rows[word] |= uint64_t{1} << (ordinal & 63);
  };
  // A row's timestamp and value, judged alike by both passes: ok, or a bad row to skip (counted)
  // or to stop at (`error`).
  enum class Verdict { ok, skip, stop };
  std::optional<Error> error;
  auto judge_values = [&](const PendingRow& row, std::optional<Error>& stop) {
    if (row.has_at_ms && row.has_value) return Verdict::ok;
    stop = !row.has_at_ms ? bad(row.line, row.timestamp_column, k_timestamp,
                            fmt::format("timestamp '{}' is neither ISO-8601 nor epoch seconds or milliseconds", excerpt(row.timestamp.view())))
                      : bad(row.line, row.value_column, k_value, fmt::format("value '{}' is not a number", excerpt(row.value_text.view())));
    return stop ? Verdict::stop : Verdict::skip;
  };
  // A marking pass: of the rows ingest would deduplicate, those in this partition.
  auto mark_rows = [&](RowBatch& b) -> Result<void> {
    if (b.reserve_seen > 0) m_seen.reserve(b.reserve_seen / static_cast<size_t>(m_partitions) * 21 / 20);
    for (size_t group = 0; group < b.count; group += k_group) {
      const size_t group_end = std::min(b.count, group + k_group);
      for (size_t i = group; i < group_end; ++i) {
        const PendingRow& row = b.rows[i];
        if (row.entity_index == EntityIndex::k_absent) continue;
        __builtin_prefetch(&m_exposures.exposures[row.entity_index]);
        m_seen.prefetch(row.fingerprint);
      }
      for (size_t i = group; i < group_end; ++i) {
        const PendingRow& row = b.rows[i];
        if (!exposed(confirm(row))) continue;
        if (const Verdict v = judge_values(row, error); v != Verdict::ok) {
          if (v == Verdict::stop) return *error;
          continue;
        }
        if (FingerprintSet::partition(row.fingerprint, m_partitions) != partition) continue;
        if (!m_seen.insert(row.fingerprint)) mark(m_row_ordinal + static_cast<int64_t>(i));
      }
    }
    m_row_ordinal += static_cast<int64_t>(b.count);
    return {};
  };

  auto apply_rows = [&](RowBatch& b) -> Result<void> {
    if (pass == Pass::mark_duplicates) return mark_rows(b);
    const bool partitioned = m_partitions > 1;
    if (b.reserve_seen > 0) {
      if (!partitioned) m_seen.reserve(b.reserve_seen);
      if (m_spilled.empty()) reserve_quantile_values(b.projected_rows);
    }
    for (size_t group = 0; group < b.count; group += k_group) {
      const size_t group_end = std::min(b.count, group + k_group);
      for (size_t i = group; i < group_end; ++i) {
        const PendingRow& row = b.rows[i];
        if (row.entity_index == EntityIndex::k_absent) continue;
        __builtin_prefetch(&m_exposures.exposures[row.entity_index], 1);
        const Slot& slot = m_slots[static_cast<size_t>(row.slot)];
        if (slot.in_record < 0) __builtin_prefetch(&slot.entity[row.entity_index], 1);
        m_seen.prefetch(row.fingerprint);
      }
      for (size_t i = group; i < group_end; ++i) {
        const PendingRow& row = b.rows[i];
        const uint32_t entity = confirm(row);
        if (!exposed(entity)) {
          ++counts.unexposed;
          if (m_keep_events && entity != EntityIndex::k_absent) {
            keep_conflicting(row.slot, entity, row.fingerprint, row.timestamp.view(), row.value_text.view());
          }
          continue;
        }
        const Exposure& exposure = m_exposures.exposures[entity];
        if (const Verdict v = judge_values(row, error); v != Verdict::ok) {
          if (v == Verdict::stop) return *error;
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
  };
  // The rows, then what ended the batch; true in `done` when nothing follows.
  auto apply = [&](RowBatch& b, bool& done) -> Result<void> {
    done = b.end == RowBatch::End::input || b.end == RowBatch::End::error;
    if (auto r = apply_rows(b); !r) {
      done = true;
      return r;
    }
    if (b.end == RowBatch::End::error) return std::move(*b.error);
    if (b.end == RowBatch::End::short_row) {
      if (auto e = bad(b.short_row_line, 1, -1,
                       fmt::format("row has {} fields, expected at least {}", b.short_row_fields, needed))) {
        done = true;
        return *e;
      }
    }
    return {};
  };

  if (options.threads <= 1) {
    RowBatch batch;
    for (bool done = false; !done;) {
      parse(batch);
      if (auto r = apply(batch, done); !r) return r;
    }
    return {};
  }
  BatchQueue queue(4);
  std::exception_ptr parse_failure;
  std::thread parser([&] {
    try {
      for (;;) {
        RowBatch* b = queue.take_free();
        if (b == nullptr) return;
        parse(*b);
        const bool last = b->end == RowBatch::End::input || b->end == RowBatch::End::error;
        queue.put_ready(b);
        if (last) return;
      }
    } catch (...) {
      parse_failure = std::current_exception();
      RowBatch* b = queue.take_free();  // tell the apply stage, which is waiting for a batch
      if (b == nullptr) return;
      b->count = 0;
      b->end = RowBatch::End::error;
      b->error = Error::io("reading the events failed: out of memory", reader.file());
      queue.put_ready(b);
    }
  });
  Result<void> result;
  try {
    for (bool done = false; !done;) {
      RowBatch* b = queue.take_ready();
      result = apply(*b, done);
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

Result<void> EventAggregator::spill_quantiles(const std::string& directory) {
  std::vector<std::vector<QuantileSpill>> spilled(m_metrics.size());
  for (size_t metric = 0; metric < m_metrics.size(); ++metric) {
    if (m_metrics[metric].type != MetricType::percentile) continue;
    for (size_t v = 0; v < m_variants; ++v) {
      auto spill = QuantileSpill::create(directory);
      if (!spill) return std::move(spill).error();
      spilled[metric].push_back(std::move(*spill));
    }
  }
  m_spilled = std::move(spilled);
  return {};
}

Result<void> EventAggregator::estimate_spilled_quantiles(std::vector<MetricAggregate>& aggregates, double confidence) {
  for (size_t metric = 0; metric < m_spilled.size() && metric < aggregates.size(); ++metric) {
    for (QuantileSpill& spill : m_spilled[metric]) {
      if (auto flushed = spill.flush(); !flushed) return flushed;
      auto summary = estimate_spilled_quantile(spill, static_cast<uint32_t>(m_exposures.exposures.size()),
                                               m_metrics[metric].quantile, confidence);
      if (!summary) return std::move(summary).error();
      aggregates[metric].quantile_summary.push_back(*summary);
    }
  }
  return {};
}

Result<MemoryNeeds> EventAggregator::project_needs(CsvReader& sample, const ColumnMapping& mapping, int64_t input_bytes,
                                                   bool daily) const {
  MemoryNeeds needs;
  size_t accumulators = 0;
  for (const Slot& slot : m_slots) accumulators += slot.entity.size() + slot.pre.size();
  needs.entity_tables = static_cast<int64_t>(accumulators * sizeof(Accumulator));
  auto header = read_header(sample, k_fields, mapping);
  if (!header) return std::move(header).error();
  constexpr int64_t k_sample_rows = 16384;
  std::vector<int64_t> slot_rows(m_slots.size(), 0);
  std::vector<std::string_view> fields;
  int64_t rows = 0;
  bool whole = false;
  while (rows < k_sample_rows) {
    auto more = sample.next(fields);
    if (!more) return std::move(more).error();
    if (!*more) {
      whole = true;
      break;
    }
    ++rows;
    if (fields.size() < header->needed) continue;
    const int slot = slot_of(fields[static_cast<size_t>(header->index[k_type])]);
    if (slot >= 0) ++slot_rows[static_cast<size_t>(slot)];
  }
  // The sample's share of each event type, scaled to the input's size, with 5% to spare.
  const double scale = whole || sample.bytes_read() == 0
                           ? 1.0
                           : 1.05 * static_cast<double>(input_bytes) / static_cast<double>(sample.bytes_read());
  auto projected = [&](int slot) { return static_cast<int64_t>(static_cast<double>(slot_rows[static_cast<size_t>(slot)]) * scale); };
  for (size_t slot = 0; slot < m_slots.size(); ++slot) needs.event_rows += projected(static_cast<int>(slot));
  int64_t exposed = 0, largest = 0;
  for (int64_t n : m_exposures.entities_per_variant) {
    exposed += n;
    largest = std::max(largest, n);
  }
  const double largest_share = exposed > 0 ? static_cast<double>(largest) / static_cast<double>(exposed) : 1.0;
  for (size_t metric = 0; metric < m_metrics.size(); ++metric) {
    if (m_metrics[metric].type != MetricType::percentile) continue;
    needs.quantile_values += projected(m_metric_slot[metric]);
    needs.quantile_samples += static_cast<int64_t>(m_variants);
    needs.quantile_copy = std::max(needs.quantile_copy,
                                   static_cast<int64_t>(static_cast<double>(projected(m_metric_slot[metric])) * largest_share));
  }
  if (daily) needs.kept_events = needs.event_rows;
  needs.entities = static_cast<int64_t>(m_exposures.exposures.size());
  return needs;
}

void EventAggregator::reserve_quantile_values(const std::vector<double>& projected_rows) {
  // Room for each variant's share of its event type's projected rows, and a quarter more: a
  // vector that doubles copies everything it holds and briefly needs three times the room,
  // while capacity never written costs no memory (the pages are not touched).
  int64_t exposed = 0;
  for (int64_t n : m_exposures.entities_per_variant) exposed += n;
  if (exposed == 0) return;
  for (size_t metric = 0; metric < m_quantile.size(); ++metric) {
    for (size_t v = 0; v < m_quantile[metric].size() && v < m_exposures.entities_per_variant.size(); ++v) {
      const double share = static_cast<double>(m_exposures.entities_per_variant[v]) / static_cast<double>(exposed);
      const auto room = static_cast<size_t>(projected_rows[static_cast<size_t>(m_metric_slot[metric])] * share * 1.25);
      m_quantile[metric][v].values.reserve(room);
      m_quantile[metric][v].entity.reserve(room);
    }
  }
}

void EventAggregator::keep_conflicting(int slot_index, uint32_t entity, const FingerprintSet::Fingerprint& fingerprint,
                                       std::string_view timestamp, std::string_view value_text) {
  auto conflict = m_exposures.conflicts.find(entity);
  if (conflict == m_exposures.conflicts.end()) return;
  const ExposureConflict& c = conflict->second;
  auto ts = parse_timestamp_ms(timestamp);
  std::optional<double> value = value_text.empty() ? std::optional<double>(1.0) : parse_event_value(value_text);
  if (!ts || !value || !m_conflicting_seen.insert(fingerprint)) return;  // the main pass reports bad rows
  Slot& slot = m_slots[static_cast<size_t>(slot_index)];
  if (*ts >= c.at_ms && *ts < c.excluded_from_ms) {
    m_counted.push_back(CountedEvent{*ts, *value, entity, static_cast<uint32_t>(slot_index)});
  } else if (*ts < c.at_ms && slot.pre.size() > 0 && *ts >= c.at_ms - m_covariates.window_ms) {
    slot.pre[entity].count += 1;
    slot.pre[entity].sum += *value;
  }
}

}  // namespace expt
