#pragma once
// Folds an events CSV (event_id, entity_id, event_type, timestamp, value) into per-variant
// sufficient statistics for each metric, in one streaming pass. Events are deduplicated by
// event_id; only events of exposed entities at or after their exposure time (full timestamp
// precision) count; every other row is counted by why it was dropped. Memory grows with
// entities (per-entity accumulators), plus 12-byte fingerprints of counted event IDs and, for
// percentile metrics, the counted values. Rows are validated as far as the analysis reads them:
// rows of event types no metric uses are skipped unparsed. Aggregation only: no inference.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/ingest/column_mapping.h"
#include "core/ingest/csv_reader.h"
#include "core/ingest/exposure_table.h"
#include "core/ingest/fingerprint_set.h"
#include "core/ingest/memory_budget.h"
#include "core/ingest/quantile_spill.h"
#include "core/ingest/zeroed_array.h"
#include "core/spec/spec.h"
#include "core/stats/cuped.h"
#include "core/stats/sufficient_stats.h"

#include "core/base/name_tally.h"

namespace expt {

namespace ingest_stages {
struct PendingRow;
struct RowBatch;
}  // namespace ingest_stages

struct EventCounts {
  int64_t rows = 0;               // data rows read
  int64_t bad_rows = 0;           // skipped as malformed (with skip_bad_rows)
  int64_t other_event_types = 0;  // event types no metric of the experiment uses
  NameTally other_event_type_names;  // which types those were
  int64_t unexposed = 0;          // events of entities never exposed (or excluded)
  int64_t duplicates = 0;         // repeats of an event_id already counted
  int64_t before_exposure = 0;    // events earlier than the entity's exposure
  int64_t covariate = 0;          // of those, in a CUPED window: they make the covariate
  int64_t counted = 0;
  std::optional<int64_t> first_ms, last_ms;  // the counted events' time range
};

// An event the analysis counted, kept for a daily replay (core/ingest/daily_replay.h).
struct CountedEvent {
  int64_t at_ms = 0;
  double value = 0;
  uint32_t entity = 0;
  uint32_t slot = 0;  // the event type's slot (EventAggregator's numbering)
};
struct DailyAggregates;

// Per metric, per variant (index = variant position): the statistics inference needs.
struct MetricAggregate {
  MetricSpec metric;
  std::vector<MeanStats> mean;            // conversion and mean metrics
  std::vector<RatioStats> ratio;          // ratio metrics
  std::vector<QuantileSample> quantile;   // percentile metrics, from events
  std::vector<QuantileSummary> quantile_summary;  // percentile metrics, from a warehouse (instead)
  // With CUPED (mean and conversion metrics): per variant, x = the metric's value and y = the
  // same metric over the pre-exposure window (core/stats/cuped.h).
  std::vector<RatioStats> cuped;
};

// Which metrics get a CUPED covariate, and how far before each entity's exposure its window
// starts (the window ends at the exposure, excluded).
struct CovariateWindows {
  std::vector<bool> metrics;  // aligned with the metrics; only mean and conversion metrics
  int64_t window_ms = static_cast<int64_t>(k_default_cuped_window_days) * 86'400'000LL;
};

class EventAggregator {
 public:
  // Clears the totals in the exposure records, which it then owns: one aggregator at a time per
  // table.
  EventAggregator(ExposureTable& exposures, std::vector<MetricSpec> metrics, size_t variants,
                  CovariateWindows covariates = {});

  // The size of the next input in bytes, when known (a file, not a pipe). After a sample of rows
  // the duplicate detector is sized from it, sparing rehashes of a large table.
  void expect_input_bytes(int64_t bytes) { m_expected_bytes = bytes; }

  // For a run on two threads: the duplicate detector that ingest of `input_bytes` of events will
  // size from their first rows (`head`, a separate reader over them), sized so now and with its
  // pages already allocated and zeroed. Made on the second core while the exposures are read,
  // it spares the apply stage the kernel's page zeroing (8% of a 10 M-row run's samples). Empty
  // when the input is small, unreadable (ingest reports it) or the table would pass `max_bytes`.
  static FingerprintSet presized_duplicate_detector(CsvReader& head, const ColumnMapping& mapping,
                                                    const std::vector<MetricSpec>& metrics, int64_t input_bytes,
                                                    size_t max_bytes);
  // Uses `seen` (from presized_duplicate_detector) as the duplicate detector, unless events were
  // read already or duplicates were marked in partitions; mark_duplicates frees it, as each of its
  // passes starts empty. Results are the same bits either way.
  void adopt_duplicate_detector(FingerprintSet seen);
  size_t duplicate_detector_bytes() const { return m_seen.memory_bytes(); }

  // Reads one events file (may be called for several). Errors carry file, line and column.
  Result<void> ingest(CsvReader& reader, const ColumnMapping& mapping, const IngestOptions& options,
                      EventCounts& counts);

  // A bounded-memory alternative to holding every event ID (core/ingest/memory_budget.h): call
  // for each partition 0..partitions-1, each over the whole events input, before ingest. Pass p
  // remembers the event IDs whose fingerprint falls in partition p and marks the rows that repeat
  // one, one bit per row of the metrics' event types; ingest then reads the marks. The rows
  // counted, and so every result, are the same bits as without partitions. Counts nothing;
  // returns the error ingest would (the first bad row, unless options skip them).
  Result<void> mark_duplicates(CsvReader& reader, const ColumnMapping& mapping, const IngestOptions& options,
                               int partition, int partitions);

  // What ingest will need in memory beyond what is resident now, projected from the first rows
  // of `sample` (a separate reader over the start of the events) and the input's size in bytes;
  // `daily`: counted events are kept for a daily view.
  Result<MemoryNeeds> project_needs(CsvReader& sample, const ColumnMapping& mapping, int64_t input_bytes, bool daily) const;

  // Percentile values go to temporary files in `directory` instead of memory (a memory plan's
  // spill_quantiles); call before ingest, and estimate_spilled_quantiles after finish().
  Result<void> spill_quantiles(const std::string& directory);
  // Each spilled percentile metric's per-variant estimate at `confidence`, the same bits as from
  // memory, into MetricAggregate::quantile_summary. Errors: reading the files back failed.
  Result<void> estimate_spilled_quantiles(std::vector<MetricAggregate>& aggregates, double confidence);

  // Rows read of `event_type` (before deduplication and the exposure filter); 0 for a type no
  // metric uses.
  int64_t rows_of_event_type(std::string_view event_type) const;

  // The per-variant statistics; every exposed entity counts, with 0 when it had no events.
  std::vector<MetricAggregate> finish();

  // For a daily view (core/ingest/daily_replay.h): call before ingest to keep every counted
  // event (24 bytes each), then replay_days after it, in either order with finish().
  void keep_counted_events() { m_keep_events = true; }
  void replay_days(const std::function<void(const DailyAggregates&)>& on_day, size_t max_days = 3660);

 private:
  using Accumulator = EventTotals;  // one entity's events of one type; count and sum share a cache line
  struct Slot {  // one event type's per-entity accumulators
    std::string event_type;
    // In the exposure records (Exposure::totals[in_record]) for the first event types, else in
    // `entity`.
    int in_record = -1;
    ZeroedArray<Accumulator> entity;
    ZeroedArray<Accumulator> pre;  // the CUPED window's events, when a covariate needs them
    int64_t rows = 0;  // rows read of this type
  };
  Accumulator& totals(Slot& slot, uint32_t entity) {
    return slot.in_record >= 0 ? m_exposures.exposures[entity].totals[slot.in_record] : slot.entity[entity];
  }
  const Accumulator& totals(const Slot& slot, uint32_t entity) const {
    return slot.in_record >= 0 ? m_exposures.exposures[entity].totals[slot.in_record] : slot.entity[entity];
  }
  // The events' columns, and how the duplicate detector is sized from the first rows: the rows
  // it projects for the whole input from the bytes those rows took, times the share of them that
  // have the metrics' event types (counted over all but the last sample row), with 5% to spare.
  static const ColumnField k_event_columns[5];
  enum Column { k_event_id, k_entity, k_type, k_timestamp, k_value };
  static constexpr int64_t k_sample_rows = 4096;
  static double projected_rows(int64_t input_bytes, int64_t sample_bytes) {
    return static_cast<double>(input_bytes) * k_sample_rows / static_cast<double>(sample_bytes);
  }
  static size_t projected_ids(double rows, int64_t relevant) {
    return static_cast<size_t>(rows * static_cast<double>(relevant) / k_sample_rows * 1.05);
  }

  // One pass over the events (core/ingest/event_reading.cc), in two stages: parse_batch reads,
  // splits and resolves rows; apply_batch judges them in row order and marks duplicates or
  // counts. With options.threads > 1 the stages overlap on two threads.
  enum class Pass { count, mark_duplicates };
  struct Reading;  // the state of one pass
  Result<void> read_events(CsvReader& reader, const ColumnMapping& mapping, const IngestOptions& options,
                           EventCounts& counts, Pass pass, int partition);
  void parse_batch(Reading& reading, ingest_stages::RowBatch& batch);
  void resolve_rows(ingest_stages::RowBatch& batch, size_t from);
  Result<void> apply_batch(Reading& reading, ingest_stages::RowBatch& batch, bool& done);
  Result<void> mark_rows(Reading& reading, ingest_stages::RowBatch& batch);
  Result<void> count_rows(Reading& reading, ingest_stages::RowBatch& batch);
  // The row's entity, confirmed against the ID in its candidate record, or EntityIndex::k_absent.
  uint32_t confirm_entity(const ingest_stages::PendingRow& row) const;
  bool is_exposed(uint32_t entity) const;
  bool is_marked(int64_t ordinal) const;
  void mark_row(int64_t ordinal);
  int slot_of(std::string_view event_type) const;
  int add_slot(const std::string& event_type);
  static double value_of(const Accumulator& a, Aggregation aggregation);
  // Sizes percentile metrics' value lists from the rows each event type is expected to have.
  void reserve_quantile_values(const std::vector<double>& projected_rows);
  // An event of an entity excluded for being in two variants, kept for the daily view while it
  // was still in its first (ExposureConflict), or for its covariate.
  void keep_conflicting(int slot, uint32_t entity, const FingerprintSet::Fingerprint& fingerprint, std::string_view timestamp,
                        std::string_view value);

  ExposureTable& m_exposures;  // its records hold the first event types' totals
  std::vector<MetricSpec> m_metrics;
  size_t m_variants;
  CovariateWindows m_covariates;
  std::vector<Slot> m_slots;
  std::vector<int> m_metric_slot;        // per metric: its (numerator) slot
  std::vector<int> m_metric_denominator;  // per metric: ratio denominator slot, or -1
  std::vector<std::vector<int>> m_quantile_metrics_of_slot;  // slot -> percentile metrics fed by it
  std::vector<std::vector<QuantileSample>> m_quantile;      // per metric, per variant (global entity ids)
  std::vector<std::vector<QuantileSpill>> m_spilled;  // per metric, per variant, when spilling (else empty)
  FingerprintSet m_seen;
  // With duplicate partitions: bit i set = the i-th row of a metric's event type repeats an
  // event ID (mark_duplicates), and ingest reads these instead of m_seen.
  int m_partitions = 1;
  std::vector<uint64_t> m_duplicate_rows;
  int64_t m_row_ordinal = 0;  // rows of the metrics' event types applied so far in this pass
  int64_t m_expected_bytes = 0;
  bool m_keep_events = false;
  std::vector<CountedEvent> m_counted;
  FingerprintSet m_conflicting_seen;  // event IDs of those entities, deduplicated apart
};

}  // namespace expt
