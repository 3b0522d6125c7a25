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

const ColumnField EventAggregator::k_event_columns[5] = {
    {"event_id", true}, {"entity_id", true}, {"event_type", true}, {"timestamp", true}, {"value", false}};

namespace {

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
  auto header = read_header(head, k_event_columns, mapping);
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
  auto header = read_header(sample, k_event_columns, mapping);
  if (!header) return std::move(header).error();
  constexpr int64_t k_projection_rows = 16384;
  std::vector<int64_t> slot_rows(m_slots.size(), 0);
  std::vector<std::string_view> fields;
  int64_t rows = 0;
  bool whole = false;
  while (rows < k_projection_rows) {
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
