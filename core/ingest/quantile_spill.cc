#include "core/ingest/quantile_spill.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "core/ingest/memory_budget.h"
#include "core/process/temporary_file.h"
#include "core/stats/frequentist.h"

namespace expt {

namespace {
constexpr size_t k_record_bytes = 12;  // value and entity, unpadded

// Doubles as unsigned integers in the same order (negatives' bits flipped, positives' sign bit
// set), so order statistics can be found a 16-bit digit at a time. -0 is taken as +0.
uint64_t order_key(double value) {
  if (value == 0) value = 0.0;
  uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  return (bits >> 63) != 0 ? ~bits : bits | (uint64_t{1} << 63);
}
double from_order_key(uint64_t key) {
  const uint64_t bits = (key >> 63) != 0 ? key & ~(uint64_t{1} << 63) : ~key;
  double value = 0;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}
}  // namespace

Result<QuantileSpill> QuantileSpill::create(const std::string& directory) {
  auto fd = create_unlinked_file(directory, "percentile values");
  if (!fd) return std::move(fd).error();
  return QuantileSpill(*fd, directory);  // the buffer grows with its first values: a small sample stays small
}

QuantileSpill::QuantileSpill(QuantileSpill&& other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)), m_directory(std::move(other.m_directory)), m_buffer(std::move(other.m_buffer)),
      m_size(other.m_size) {}

QuantileSpill& QuantileSpill::operator=(QuantileSpill&& other) noexcept {
  if (this != &other) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = std::exchange(other.m_fd, -1);
    m_directory = std::move(other.m_directory);
    m_buffer = std::move(other.m_buffer);
    m_size = other.m_size;
  }
  return *this;
}

QuantileSpill::~QuantileSpill() {
  if (m_fd >= 0) ::close(m_fd);
}

Error QuantileSpill::write_error(int error) const {
  return Error::io(fmt::format("cannot spill percentile values to a temporary file in {} (under --memory-limit): {}", m_directory,
                               std::strerror(error)));
}

Result<void> QuantileSpill::flush() {
  std::vector<char> bytes(m_buffer.size() * k_record_bytes);
  for (size_t i = 0; i < m_buffer.size(); ++i) {
    std::memcpy(bytes.data() + i * k_record_bytes, &m_buffer[i].value, 8);
    std::memcpy(bytes.data() + i * k_record_bytes + 8, &m_buffer[i].entity, 4);
  }
  m_buffer.clear();
  for (size_t done = 0; done < bytes.size();) {
    const ssize_t wrote = ::write(m_fd, bytes.data() + done, bytes.size() - done);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote < 0) return write_error(errno);
    done += static_cast<size_t>(wrote);
  }
  return {};
}

Result<void> QuantileSpill::scan(const std::function<void(std::span<const Pair>)>& visit) const {
  const size_t block = static_cast<size_t>(std::clamp<int64_t>(m_size, 1, static_cast<int64_t>(k_buffer_pairs)));
  std::vector<char> bytes(block * k_record_bytes);
  std::vector<Pair> pairs(block);
  size_t carried = 0;
  for (off_t offset = 0;;) {
    const ssize_t got = ::pread(m_fd, bytes.data() + carried, bytes.size() - carried, offset);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return Error::io(fmt::format("cannot read back the percentile values spilled in {}: {}", m_directory, std::strerror(errno)));
    offset += got;
    const size_t available = carried + static_cast<size_t>(got);
    const size_t count = available / k_record_bytes;
    for (size_t i = 0; i < count; ++i) {
      std::memcpy(&pairs[i].value, bytes.data() + i * k_record_bytes, 8);
      std::memcpy(&pairs[i].entity, bytes.data() + i * k_record_bytes + 8, 4);
    }
    if (count > 0) visit(std::span<const Pair>(pairs.data(), count));
    carried = available - count * k_record_bytes;
    std::memmove(bytes.data(), bytes.data() + count * k_record_bytes, carried);
    if (got == 0) break;
  }
  return {};
}

namespace {

// The values of the given 0-based ranks, exactly as nth_element would find them: one pass per
// 16-bit digit of the order keys narrows each rank to a bucket, and a last pass sorts the bucket
// once it holds at most k_collect_keys values (core/ingest/memory_budget.h).
Result<std::vector<double>> order_statistics(const QuantileSpill& spill, const std::vector<int64_t>& ranks) {
  struct Search {
    int64_t rank = 0;   // within the keys that share `prefix`
    uint64_t prefix = 0;
    int shift = 64;     // bits below the prefix
    bool collect = false;
    bool done = false;
    double value = 0;
  };
  if (spill.size() <= k_collect_keys) {  // small enough to sort whole: one pass
    std::vector<uint64_t> keys;
    keys.reserve(static_cast<size_t>(spill.size()));
    auto read = spill.scan([&](std::span<const QuantileSpill::Pair> pairs) {
      for (const QuantileSpill::Pair& p : pairs) keys.push_back(order_key(p.value));
    });
    if (!read) return std::move(read).error();
    std::vector<double> values;
    for (int64_t rank : ranks) {
      auto kth = keys.begin() + static_cast<std::ptrdiff_t>(rank);
      std::nth_element(keys.begin(), kth, keys.end());
      values.push_back(from_order_key(*kth));
    }
    return values;
  }
  auto in_prefix = [](const Search& s, uint64_t key) { return s.shift == 64 || (key >> s.shift) == (s.prefix >> s.shift); };
  std::vector<Search> searches;
  for (int64_t rank : ranks) searches.push_back(Search{rank});
  std::vector<std::vector<int64_t>> histogram(searches.size());
  for (;;) {
    bool active = false;
    for (size_t s = 0; s < searches.size(); ++s) {
      if (searches[s].done) continue;
      active = true;
      histogram[s].assign(65536, 0);
    }
    if (!active) break;
    auto counted = spill.scan([&](std::span<const QuantileSpill::Pair> pairs) {
      for (const QuantileSpill::Pair& p : pairs) {
        const uint64_t key = order_key(p.value);
        for (size_t s = 0; s < searches.size(); ++s) {
          const Search& search = searches[s];
          if (!search.done && in_prefix(search, key)) ++histogram[s][(key >> (search.shift - 16)) & 0xFFFF];
        }
      }
    });
    if (!counted) return std::move(counted).error();
    bool collect = false;
    for (size_t s = 0; s < searches.size(); ++s) {
      Search& search = searches[s];
      if (search.done) continue;
      size_t bucket = 0;
      while (search.rank >= histogram[s][bucket]) search.rank -= histogram[s][bucket++];
      search.shift -= 16;
      search.prefix |= static_cast<uint64_t>(bucket) << search.shift;
      if (search.shift == 0) {  // every key in the bucket is this one
        search.value = from_order_key(search.prefix);
        search.done = true;
      } else if (histogram[s][bucket] <= k_collect_keys) {
        search.collect = collect = true;
      }
    }
    if (!collect) continue;
    std::vector<std::vector<uint64_t>> keys(searches.size());
    auto gathered = spill.scan([&](std::span<const QuantileSpill::Pair> pairs) {
      for (const QuantileSpill::Pair& p : pairs) {
        const uint64_t key = order_key(p.value);
        for (size_t s = 0; s < searches.size(); ++s) {
          if (searches[s].collect && !searches[s].done && in_prefix(searches[s], key)) keys[s].push_back(key);
        }
      }
    });
    if (!gathered) return std::move(gathered).error();
    for (size_t s = 0; s < searches.size(); ++s) {
      Search& search = searches[s];
      if (!search.collect || search.done) continue;
      auto kth = keys[s].begin() + static_cast<std::ptrdiff_t>(search.rank);
      std::nth_element(keys[s].begin(), kth, keys[s].end());
      search.value = from_order_key(*kth);
      search.done = true;
    }
  }
  std::vector<double> values;
  for (const Search& s : searches) values.push_back(s.value);
  return values;
}

}  // namespace

Result<QuantileSummary> estimate_spilled_quantile(const QuantileSpill& spill, uint32_t entity_ids, double quantile,
                                                  double confidence) {
  // The steps of estimate_quantile(const QuantileSample&, ...), over the file.
  QuantileSummary summary;
  summary.confidence = confidence;
  summary.events = spill.size();
  if (summary.events == 0) return summary;
  const auto n_values = static_cast<size_t>(summary.events);
  const double h = (static_cast<double>(n_values) - 1) * quantile;
  const auto lo = static_cast<size_t>(std::floor(h));
  std::vector<int64_t> ranks{static_cast<int64_t>(lo)};
  if (lo + 1 < n_values) ranks.push_back(static_cast<int64_t>(lo + 1));
  auto around = order_statistics(spill, ranks);
  if (!around) return std::move(around).error();
  const double below_value = (*around)[0];
  const double above_value = around->size() > 1 ? (*around)[1] : below_value;
  const double q = below_value + (h - static_cast<double>(lo)) * (above_value - below_value);
  summary.value = q;

  // Entities numbered by first appearance, as EventAggregator::finish numbers a sample's.
  std::vector<uint32_t> local(entity_ids, UINT32_MAX);
  std::vector<double> below, total;
  auto counted = spill.scan([&](std::span<const QuantileSpill::Pair> pairs) {
    for (const QuantileSpill::Pair& p : pairs) {
      uint32_t& e = local[p.entity];
      if (e == UINT32_MAX) {
        e = static_cast<uint32_t>(total.size());
        below.push_back(0);
        total.push_back(0);
      }
      total[e] += 1;
      if (p.value <= q) below[e] += 1;
    }
  });
  if (!counted) return std::move(counted).error();
  summary.entities = static_cast<int64_t>(total.size());
  if (summary.entities < 2) return summary;
  double sum_below = 0, sum_total = 0;
  for (size_t i = 0; i < total.size(); ++i) {
    sum_below += below[i];
    sum_total += total[i];
  }
  const double r = sum_below / sum_total;
  double residual_ss = 0;
  for (size_t i = 0; i < total.size(); ++i) residual_ss += (below[i] - r * total[i]) * (below[i] - r * total[i]);
  const double m = static_cast<double>(summary.entities);
  const double sigma_f = std::sqrt(residual_ss * m / ((m - 1) * sum_total * sum_total));
  const double z = z_critical(confidence);
  const double big_n = static_cast<double>(n_values);
  const double low_rank = std::clamp(std::floor(big_n * (quantile - z * sigma_f)), 1.0, big_n);
  const double high_rank = std::clamp(std::ceil(big_n * (quantile + z * sigma_f)), 1.0, big_n);
  auto interval = order_statistics(spill, {static_cast<int64_t>(low_rank) - 1, static_cast<int64_t>(high_rank) - 1});
  if (!interval) return std::move(interval).error();
  summary.ci_low = (*interval)[0];
  summary.ci_high = (*interval)[1];
  return summary;
}

}  // namespace expt
