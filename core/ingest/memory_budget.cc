#include "core/ingest/memory_budget.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>

#include <fmt/format.h>

#include "core/base/excerpt.h"
#include "core/ingest/quantile_spill.h"

namespace expt {

Result<int64_t> parse_memory_size(std::string_view text) {
  auto bad = [&] {
    return Error::invalid(fmt::format("--memory-limit must be a size such as 4G, 512M or 2.5GB (at least 1M); got '{}'",
                                      excerpt(text)),
                          {}, "memory-limit");
  };
  double number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || !std::isfinite(number) || number < 0) return bad();
  std::string unit(end, text.data() + text.size());
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (unit.size() == 3 && unit.substr(1) == "IB") unit.resize(1);
  if (unit.size() == 2 && unit[1] == 'B') unit.resize(1);
  double scale = 0;
  if (unit.empty() || unit == "B") scale = 1;
  else if (unit == "K") scale = 1024.0;
  else if (unit == "M") scale = 1024.0 * 1024;
  else if (unit == "G") scale = 1024.0 * 1024 * 1024;
  else if (unit == "T") scale = 1024.0 * 1024 * 1024 * 1024;
  else return bad();
  const double bytes = number * scale;
  if (bytes < 1024.0 * 1024 || bytes > 9.0e18) return bad();
  return static_cast<int64_t>(bytes);
}

std::string format_memory_size(int64_t bytes) {
  const double b = static_cast<double>(bytes);
  if (b >= 1024.0 * 1024 * 1024) return fmt::format("{:.1f} GB", b / (1024.0 * 1024 * 1024));
  if (b >= 1024.0 * 1024) return fmt::format("{:.0f} MB", b / (1024.0 * 1024));
  return fmt::format("{:.0f} KB", b / 1024.0);
}

namespace {
// The cgroup's memory limit (v2, then v1), or 0 when there is none.
int64_t cgroup_limit() {
  for (const char* path : {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    std::ifstream in(path);
    std::string value;
    if (!(in >> value) || value == "max") continue;
    int64_t bytes = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), bytes);
    if (ec == std::errc() && bytes > 0) return bytes;
  }
  return 0;
}
}  // namespace

int64_t default_memory_limit() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGESIZE);
  int64_t memory = pages > 0 && page > 0 ? static_cast<int64_t>(pages) * page : int64_t{8} << 30;
  if (const int64_t cgroup = cgroup_limit(); cgroup > 0) memory = std::min(memory, cgroup);
  return memory / 4 * 3;
}

int64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * sysconf(_SC_PAGESIZE);
}

namespace {

// The peaks of one way of reading: while the events are read (the duplicate detector and the
// per-entity tables live), and while percentile metrics are estimated afterwards.
struct Peaks {
  int64_t reading = 0;     // without the duplicate detector
  int64_t estimating = 0;
  int64_t dedup = 0;       // the detector whole, with 5% to spare: partitions are a little uneven
  int64_t marks = 0;       // with partitions: one bit per row
  int64_t minimum() const { return std::max(estimating, reading + marks + dedup / k_max_partitions + 1); }
  // The fewest partitions within `limit`, or 0 when even k_max_partitions are too many.
  int partitions(int64_t limit) const {
    if (estimating > limit) return 0;
    if (reading + dedup <= limit) return 1;
    const int64_t room = limit - reading - marks;
    if (room <= 0) return 0;
    const int64_t n = (dedup + room - 1) / room;
    return n <= k_max_partitions ? static_cast<int>(n) : 0;
  }
};

Peaks in_memory(const MemoryNeeds& needs) {
  const int64_t dedup = needs.event_rows * k_dedup_bytes_per_event;
  const int64_t kept = needs.quantile_values * k_quantile_bytes_per_value + needs.kept_events * k_kept_event_bytes;
  return Peaks{needs.resident + needs.entity_tables + kept + k_pipeline_bytes,
               needs.resident + kept + needs.quantile_copy * k_quantile_copy_bytes, dedup + dedup / 20, needs.event_rows / 8};
}

Peaks spilled(const MemoryNeeds& needs) {
  // While reading, a write buffer per sample; while estimating, two buckets of order keys and
  // each entity's number and counts (estimate_spilled_quantile).
  const int64_t buffers = needs.quantile_samples * static_cast<int64_t>(QuantileSpill::k_buffer_pairs * sizeof(QuantileSpill::Pair));
  const int64_t estimate = 2 * 8 * std::min<int64_t>(needs.quantile_copy, k_collect_keys) + 20 * needs.entities;
  MemoryNeeds rest = needs;
  rest.quantile_values = rest.quantile_copy = 0;
  Peaks peaks = in_memory(rest);
  peaks.reading += buffers;
  peaks.estimating = needs.resident + needs.entity_tables + buffers + estimate;
  return peaks;
}

}  // namespace

Result<MemoryPlan> plan_memory(const MemoryNeeds& needs, int64_t limit) {
  const Peaks kept = in_memory(needs);
  MemoryPlan plan;
  plan.dedup_bytes = needs.event_rows * k_dedup_bytes_per_event;
  plan.other_bytes = std::max(kept.reading, kept.estimating);
  plan.partitions = kept.partitions(limit);
  // Spill percentile values when that saves passes (not with --by day, whose replay needs the
  // events in memory).
  const bool can_spill = needs.quantile_values > 0 && needs.kept_events == 0;
  if (can_spill && plan.partitions != 1) {
    const Peaks spill = spilled(needs);
    const int partitions = spill.partitions(limit);
    if (partitions > 0 && (plan.partitions == 0 || partitions < plan.partitions)) {
      plan.partitions = partitions;
      plan.spill_quantiles = true;
      plan.other_bytes = std::max(spill.reading, spill.estimating);
    }
  }
  if (plan.partitions > 0) return plan;

  int64_t minimum = kept.minimum();
  if (can_spill) minimum = std::min(minimum, spilled(needs).minimum());
  constexpr int64_t k_mb = int64_t{1} << 20;
  minimum = (minimum + k_mb - 1) / k_mb * k_mb;  // a whole MB that is enough
  // What grows beyond the resident memory; the per-entity tables are 0 when the exposure records
  // hold every total.
  std::string parts;
  auto add = [&parts](std::string part) { parts += (parts.empty() ? "" : ", ") + part; };
  if (needs.entity_tables > 0) add(fmt::format("{} for the per-entity tables", format_memory_size(needs.entity_tables)));
  if (needs.quantile_values > 0) {
    add(fmt::format("{} for percentile values (and {} to estimate them; on disk instead, {})",
                    format_memory_size(needs.quantile_values * k_quantile_bytes_per_value),
                    format_memory_size(needs.quantile_copy * k_quantile_copy_bytes),
                    can_spill ? "less" : "not with --by day"));
  }
  if (needs.kept_events > 0) add(fmt::format("{} for the events --by day keeps", format_memory_size(needs.kept_events * k_kept_event_bytes)));
  if (parts.empty()) parts = "only room to read them";
  return Error::invalid(fmt::format("--memory-limit {} is too small for this analysis: {} are held already (the exposures), "
                                    "and it needs {}, however many passes detect the duplicate events; raise the limit to "
                                    "at least {}",
                                    format_memory_size(limit), format_memory_size(needs.resident), parts,
                                    format_memory_size(minimum)),
                        {}, "memory-limit");
}

}  // namespace expt
