#pragma once
// A percentile sample too large for the memory limit (core/ingest/memory_budget.h): its
// (value, entity) pairs go to an unnamed temporary file in the order they are counted, and the
// estimate is made from the file with memory bounded by the entities and one bucket of values.
// The estimate is estimate_quantile's (core/stats/frequentist.h), the same bits: exact order
// statistics, and the same per-entity sums in the same order.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/base/error.h"
#include "core/stats/sufficient_stats.h"

namespace expt {

class QuantileSpill {
 public:
  struct Pair {
    double value = 0;
    uint32_t entity = 0;
  };

  // An empty sample in a file in `directory`, unlinked at once: it disappears with the process.
  static Result<QuantileSpill> create(const std::string& directory);
  QuantileSpill(QuantileSpill&& other) noexcept;
  QuantileSpill& operator=(QuantileSpill&& other) noexcept;
  QuantileSpill(const QuantileSpill&) = delete;
  QuantileSpill& operator=(const QuantileSpill&) = delete;
  ~QuantileSpill();

  // Buffered: an error (a full disk) comes from the write that fails.
  Result<void> add(double value, uint32_t entity) {
    m_buffer.push_back(Pair{value, entity});
    ++m_size;
    return m_buffer.size() == k_buffer_pairs ? flush() : Result<void>{};
  }
  Result<void> flush();
  int64_t size() const { return m_size; }
  // Every pair, in the order added, a block at a time (flush first).
  Result<void> scan(const std::function<void(std::span<const Pair>)>& visit) const;

  static constexpr size_t k_buffer_pairs = 16384;

 private:
  QuantileSpill(int fd, std::string directory) : m_fd(fd), m_directory(std::move(directory)) {}
  Error write_error(int error) const;

  int m_fd = -1;
  std::string m_directory;
  std::vector<Pair> m_buffer;
  int64_t m_size = 0;
};

// estimate_quantile's value, interval, entities and events for the spilled sample; `entity_ids`
// bounds the entity indexes it holds. Errors: reading the file back failed.
Result<QuantileSummary> estimate_spilled_quantile(const QuantileSpill& spill, uint32_t entity_ids, double quantile,
                                                  double confidence);

}  // namespace expt
