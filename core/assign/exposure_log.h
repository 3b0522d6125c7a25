#pragma once
// Exposure logging, to close the loop from assignment to analysis: a service reports which
// experiment and variant an entity was actually shown, and `expt analyze --exposures` reads the
// result. log_exposures() turns an Evaluation into exposures for a sink (any callback);
// ExposureCsvWriter is a ready-made sink that appends the CSV `expt analyze` reads:
//   entity_id,experiment,variant,timestamp      (timestamp: ISO-8601 UTC with milliseconds)
// buffered, rotated by size, and, where it can, one row per entity and experiment per process.

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <optional>
#include <unordered_set>

#include "core/assign/evaluator.h"
#include "core/base/error.h"

namespace expt {

struct ExposureEvent {
  std::string_view entity_id;
  std::string_view experiment;
  std::string_view variant;
  int64_t at_ms = 0;  // milliseconds since the Unix epoch
};

using ExposureSink = std::function<void(const ExposureEvent&)>;

// Calls `sink` once for each layer of `evaluation` in which `entity_id` is in an experiment
// (layers without one, and entities in the global holdout, log nothing).
void log_exposures(const Evaluation& evaluation, std::string_view entity_id, int64_t at_ms, const ExposureSink& sink);

struct ExposureCsvOptions {
  std::string path;                          // e.g. "exposures.csv"; rotated files get ".1", ".2", ... before ".csv"
  size_t buffer_rows = 1024;                 // written to the file every this many rows (and by flush())
  uint64_t rotate_bytes = uint64_t{1} << 30; // a file past this size is renamed and a new one begun
  size_t dedup_capacity = 1 << 20;           // (entity, experiment) pairs remembered; beyond, repeats are written
};

// Thread-safe. Each file starts with the header; rows are RFC 4180 CSV. Errors writing are kept
// and returned by flush() (logging never throws into the service's request path).
class ExposureCsvWriter {
 public:
  explicit ExposureCsvWriter(ExposureCsvOptions options);
  ~ExposureCsvWriter();  // flushes
  ExposureCsvWriter(const ExposureCsvWriter&) = delete;
  ExposureCsvWriter& operator=(const ExposureCsvWriter&) = delete;

  void write(const ExposureEvent& event);
  ExposureSink sink() { return [this](const ExposureEvent& e) { write(e); }; }

  // Writes the buffer out; the first error since the last flush, if any.
  Result<void> flush();

  int64_t rows_written() const;
  int64_t repeats_skipped() const;

 private:
  Result<void> write_out(const std::string& bytes);  // appends, rotating first if needed

  ExposureCsvOptions m_options;
  mutable std::mutex m_mutex;
  std::string m_buffer;
  size_t m_buffered_rows = 0;
  std::unordered_set<uint64_t> m_seen;  // fingerprints of (entity, experiment)
  int64_t m_rows = 0;
  int64_t m_skipped = 0;
  std::optional<Error> m_error;
};

}  // namespace expt
