#pragma once
// The hand-over between ingest's two stages (core/ingest/event_reading.cc): rows the parse
// stage has split, copied and resolved, in batches that the apply stage consumes in order. A
// fixed set of batches circulates, so memory stays bounded and nothing is allocated per row.
// Internal to ingest.

#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/error.h"
#include "core/ingest/fingerprint_set.h"

namespace expt::ingest_stages {

// A field copied out of the reader's buffer: inline up to 24 bytes (entity IDs, epoch and ISO
// timestamps, numbers), so the usual copy is one short memcpy rather than a string assignment;
// longer ones go to a string that a reused row keeps, so nothing is allocated per row.
class FieldCopy {
 public:
  void assign(std::string_view text) {
    m_size = text.size();
    if (m_size <= k_inline) {
      std::memcpy(m_inline, text.data(), m_size);
    } else {
      m_long.assign(text);
    }
  }
  std::string_view view() const { return m_size <= k_inline ? std::string_view(m_inline, m_size) : std::string_view(m_long); }

 private:
  static constexpr size_t k_inline = 24;
  size_t m_size = 0;
  char m_inline[k_inline];
  std::string m_long;
};

// A row between the two stages: what the parse stage worked out for it, and the fields it still
// needs, copied out of the reader's buffer. The event ID is needed only as its fingerprint,
// taken before the copy. What the apply stage reads for every row comes first: the judged
// fields, then the entity ID, which it compares with the one in the candidate record; the rest
// is read only for a bad row or kept events.
struct alignas(64) PendingRow {
  FingerprintSet::Fingerprint fingerprint;
  int64_t at_ms = 0;           // with has_at_ms: the timestamp (else not a timestamp)
  double value = 0;            // with has_value: the value (1 when the field is empty; else not a number)
  uint32_t entity_index = 0;   // the candidate the entity index gives (EntityIndex::candidate)
  int32_t slot = 0;
  bool has_at_ms = false;
  bool has_value = false;
  uint64_t entity_hash = 0;
  FieldCopy entity;
  FieldCopy timestamp;
  FieldCopy value_text;
  int64_t line = 0;
  int timestamp_column = 0;
  int value_column = 0;
};

// Rows in input order, up to a short row, a read error or the end of the input.
struct RowBatch {
  enum class End { full, short_row, error, input };
  std::vector<PendingRow> rows = std::vector<PendingRow>(8192);
  size_t count = 0;
  End end = End::full;
  int64_t short_row_line = 0;
  size_t short_row_fields = 0;
  std::optional<Error> error;
  size_t reserve_seen = 0;  // when not 0: size the duplicate detector first
  std::vector<double> projected_rows;  // with reserve_seen: rows of each event type expected
};

constexpr size_t k_group = 32;  // rows whose memory accesses overlap

// Batches handed from the parse stage's thread to the apply stage, in order; a fixed set of
// batches circulates, so memory stays bounded and rows are reused.
class BatchQueue {
 public:
  explicit BatchQueue(size_t batches) : m_batches(batches) {
    for (RowBatch& b : m_batches) m_free.push_back(&b);
  }
  RowBatch* take_free() {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return m_stopped || !m_free.empty(); });
    if (m_stopped) return nullptr;
    RowBatch* b = m_free.front();
    m_free.pop_front();
    return b;
  }
  void put_ready(RowBatch* b) {
    std::lock_guard lock(m_mutex);
    m_ready.push_back(b);
    m_changed.notify_all();
  }
  RowBatch* take_ready() {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return !m_ready.empty(); });
    RowBatch* b = m_ready.front();
    m_ready.pop_front();
    return b;
  }
  void put_free(RowBatch* b) {
    std::lock_guard lock(m_mutex);
    m_free.push_back(b);
    m_changed.notify_all();
  }
  void stop() {  // the apply stage ended early: the parse stage stops at its next batch
    std::lock_guard lock(m_mutex);
    m_stopped = true;
    m_changed.notify_all();
  }

 private:
  std::vector<RowBatch> m_batches;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<RowBatch*> m_free, m_ready;
  bool m_stopped = false;
};

}  // namespace expt::ingest_stages
