#pragma once
// The memory budget of a CSV analysis (`analyze --memory-limit`). Everything an analysis holds
// grows with entities, except two things that grow with events: the duplicate detector (16 bytes
// per event it remembers) and, for percentile metrics, the values themselves. Above the budget
// the duplicate detector is split by event ID into partitions, one extra pass over the events
// each, which leaves the per-event cost at one bit (EventAggregator::mark_duplicates). The plan
// is made before the events are read, from the resident memory and a sample of rows.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/error.h"

namespace expt {

// "2G", "512M", "1.5GB", "800000000", "750MiB": powers of 1024 (K, M, G, T, with or without B
// or iB). Error: anything else, or less than 1 MiB.
Result<int64_t> parse_memory_size(std::string_view text);
// "1.5 GB", "512 MB": for messages.
std::string format_memory_size(int64_t bytes);

// Three quarters of the machine's memory, or of the cgroup's limit when that is smaller.
int64_t default_memory_limit();
// This process's resident memory now (Linux: /proc/self/statm); 0 when unknown.
int64_t resident_bytes();

// What the events will need, projected from a sample of rows before they are read.
struct MemoryNeeds {
  int64_t resident = 0;         // already held: the exposures and everything before them
  int64_t entity_tables = 0;    // per-entity accumulators the aggregator allocates
  int64_t event_rows = 0;       // rows of the event types the metrics read (an upper bound)
  int64_t quantile_values = 0;  // rows that feed percentile metrics
  int64_t quantile_copy = 0;    // of those, the most one variant of one metric has (selection copies them)
  int64_t quantile_samples = 0;  // percentile metrics times variants
  int64_t entities = 0;          // entities in the exposures
  int64_t kept_events = 0;      // rows kept for a daily view (--by day)
};

struct MemoryPlan {
  int partitions = 1;          // duplicate-detector partitions; more than 1: that many extra passes
  int64_t dedup_bytes = 0;     // the detector's projected size, all partitions together
  int64_t other_bytes = 0;     // everything else at the peak: while reading, or while estimating after it
  bool spill_quantiles = false;  // percentile values go to temporary files (core/ingest/quantile_spill.h)
};

inline constexpr int64_t k_dedup_bytes_per_event = 16;  // FingerprintSet: 64-byte buckets of 5, load at most 4/5
inline constexpr int64_t k_quantile_bytes_per_value = 12;  // value and entity
inline constexpr int64_t k_quantile_copy_bytes = 8;         // the copy of one sample's values that selection sorts
inline constexpr int64_t k_kept_event_bytes = 24;
inline constexpr int64_t k_pipeline_bytes = int64_t{24} << 20;  // row batches, read buffers, the heap's slack
inline constexpr int k_max_partitions = 64;
// Spilled percentile values: the most order keys an estimate sorts at once, per rank it seeks.
inline constexpr int64_t k_collect_keys = int64_t{1} << 20;

// The fewest passes that keep the projected peak within `limit`: partitions of the duplicate
// detector, and percentile values spilled to disk when that saves passes (not with --by day,
// whose replay needs the events in memory). Error (naming what needs the memory): even 64
// partitions would not fit, because the entities (and percentile values) alone exceed it.
Result<MemoryPlan> plan_memory(const MemoryNeeds& needs, int64_t limit);

}  // namespace expt
