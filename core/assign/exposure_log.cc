#include "core/assign/exposure_log.h"

#include <cstdio>
#include <filesystem>

#include "core/assign/hash.h"
#include "core/base/csv_field.h"
#include "core/base/timestamp.h"

namespace expt {

namespace {

constexpr std::string_view k_header = "entity_id,experiment,variant,timestamp\n";

// "exposures.csv" -> "exposures.3.csv": where the n-th rotated file goes.
std::string rotated_name(const std::string& path, int n) {
  std::filesystem::path p(path);
  return (p.parent_path() / (p.stem().string() + "." + std::to_string(n) + p.extension().string())).string();
}

}  // namespace

void log_exposures(const Evaluation& evaluation, std::string_view entity_id, int64_t at_ms, const ExposureSink& sink) {
  for (const EvaluatedLayer& layer : evaluation.layers) {
    if (layer.experiment.empty() || layer.variant.empty()) continue;
    sink(ExposureEvent{entity_id, layer.experiment, layer.variant, at_ms});
  }
}

ExposureCsvWriter::ExposureCsvWriter(ExposureCsvOptions options) : m_options(std::move(options)) {}

ExposureCsvWriter::~ExposureCsvWriter() { (void)flush(); }

void ExposureCsvWriter::write(const ExposureEvent& event) {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (m_seen.size() < m_options.dedup_capacity) {
    if (!m_seen.insert(hash_v1(event.experiment, event.entity_id)).second) {
      ++m_skipped;
      return;
    }
  } else if (m_seen.count(hash_v1(event.experiment, event.entity_id)) != 0) {
    ++m_skipped;
    return;
  }
  append_csv_field(m_buffer, event.entity_id);
  m_buffer += ',';
  append_csv_field(m_buffer, event.experiment);
  m_buffer += ',';
  append_csv_field(m_buffer, event.variant);
  m_buffer += ',';
  m_buffer += format_utc(event.at_ms);
  m_buffer += '\n';
  ++m_rows;
  if (++m_buffered_rows >= m_options.buffer_rows) {
    if (auto written = write_out(m_buffer); !written && !m_error) m_error = written.error();
    m_buffer.clear();
    m_buffered_rows = 0;
  }
}

Result<void> ExposureCsvWriter::write_out(const std::string& bytes) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(m_options.path, ec);
  const bool exists = !ec;
  if (exists && size + bytes.size() > m_options.rotate_bytes && size > k_header.size()) {
    int n = 1;
    while (std::filesystem::exists(rotated_name(m_options.path, n))) ++n;
    std::filesystem::rename(m_options.path, rotated_name(m_options.path, n), ec);
    if (ec) return Error::io("cannot rotate '" + m_options.path + "': " + ec.message(), m_options.path);
  }
  const bool fresh = !std::filesystem::exists(m_options.path);
  std::FILE* file = std::fopen(m_options.path.c_str(), "ab");
  if (file == nullptr) return Error::io("cannot append to '" + m_options.path + "'", m_options.path);
  bool ok = true;
  if (fresh) ok = std::fwrite(k_header.data(), 1, k_header.size(), file) == k_header.size();
  ok = ok && std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
  ok = std::fclose(file) == 0 && ok;
  if (!ok) return Error::io("cannot append to '" + m_options.path + "' (disk full?)", m_options.path);
  return {};
}

Result<void> ExposureCsvWriter::flush() {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (!m_buffer.empty()) {
    if (auto written = write_out(m_buffer); !written && !m_error) m_error = written.error();
    m_buffer.clear();
    m_buffered_rows = 0;
  }
  if (m_error) {
    Error e = *m_error;
    m_error.reset();
    return e;
  }
  return {};
}

int64_t ExposureCsvWriter::rows_written() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_rows;
}

int64_t ExposureCsvWriter::repeats_skipped() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_skipped;
}

}  // namespace expt
