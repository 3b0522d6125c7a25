#include "commands/render/assignment_stream.h"

#include <algorithm>
#include <deque>
#include <future>
#include <thread>

#include <fmt/format.h>

#include "commands/render/assignment_rows.h"
#include "commands/render/render.h"
#include "core/base/edit_distance.h"
#include "core/ingest/csv_reader.h"
#include "core/process/input_stream.h"

namespace expt {

namespace {

constexpr size_t k_block = 1 << 20;
constexpr size_t k_input_chunk = 256 << 10;
// Output rows (an ID in one layer) a worker builds at once; with 2 x threads pieces in flight,
// memory is bounded by rows, whatever the number of layers.
constexpr size_t k_rows_per_piece = 32768;

// The rows of every ID in `chunk` (whole lines), one ID per line: a trailing CR is dropped and
// blank lines are skipped, as std::getline with those two rules would.
std::string rows_of_lines(std::string_view chunk, const std::vector<size_t>& layers, AssignmentRowWriter rows) {
  std::string out;
  out.reserve(chunk.size() * layers.size() * 4);
  while (!chunk.empty()) {
    const size_t end = chunk.find('\n');
    std::string_view line = chunk.substr(0, end);
    chunk.remove_prefix(end == std::string_view::npos ? chunk.size() : end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    rows.append_entity(out, line, layers);
  }
  return out;
}

// The length of the first `lines` whole lines of `text` (all of it when it has fewer).
size_t piece_end(std::string_view text, size_t lines) {
  size_t at = 0;
  for (size_t n = 0; n < lines; ++n) {
    const size_t newline = text.find('\n', at);
    if (newline == std::string_view::npos) return text.size();
    at = newline + 1;
  }
  return at;
}

// One ID per line, in chunks of whole lines handed to up to `threads` workers; their rows are
// written in input order, so the output is the same for any number of threads.
Result<void> stream_lines(std::istream& in, const std::vector<size_t>& layers,
                          const AssignmentRowWriter& rows, const ByteSink& sink, unsigned threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  std::deque<std::future<std::string>> in_flight;
  Result<void> written;
  auto write_oldest = [&] {
    std::string block = in_flight.front().get();
    in_flight.pop_front();
    if (written && !block.empty()) written = sink(block);
  };
  std::string carry;  // the start of a line cut by the previous read
  std::vector<char> buffer(k_input_chunk);
  while (written && in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const size_t got = static_cast<size_t>(in.gcount());
    std::string_view data(buffer.data(), got);
    const size_t last_newline = in ? data.rfind('\n') : got - 1;  // at the end, everything
    if (in && last_newline == std::string_view::npos) {
      carry.append(data);  // a line longer than a read: keep reading
      continue;
    }
    std::string read = std::move(carry);
    read.append(data.substr(0, last_newline + 1));
    carry.assign(data.substr(last_newline + 1));
    // Pieces of at most k_rows_per_piece output rows: with hundreds of layers, a 256 KiB read of
    // IDs would otherwise be gigabytes of rows in flight.
    for (std::string_view rest = read; written && !rest.empty();) {
      const size_t cut = piece_end(rest, std::max<size_t>(1, k_rows_per_piece / std::max<size_t>(1, layers.size())));
      std::string piece(rest.substr(0, cut));
      rest.remove_prefix(cut);
      if (threads == 1) {
        written = sink(rows_of_lines(piece, layers, rows));
        continue;
      }
      in_flight.push_back(std::async(std::launch::async, [piece = std::move(piece), &layers, rows] {
        return rows_of_lines(piece, layers, rows);
      }));
      if (in_flight.size() >= 2 * threads) write_oldest();
    }
  }
  while (!in_flight.empty()) write_oldest();  // also after an error: workers must finish first
  return written;
}

}  // namespace

Result<void> stream_assignments(const AssignmentStream& request, const AssignmentSnapshot& snapshot,
                                const std::vector<size_t>& layers, const ByteSink& sink, std::istream& stdin_stream) {
  const std::string& name = request.input;
  auto input = open_input(name, stdin_stream);
  if (!input) return std::move(input).error();
  std::istream* in = input->stream;
  const OutputFormat format = request.format == OutputFormat::jsonl ? OutputFormat::jsonl : OutputFormat::csv;
  std::string buffer;
  buffer.reserve(k_block + 4096);
  if (format == OutputFormat::csv) buffer += k_assignment_csv_header;

  AssignmentRowWriter rows(snapshot, format);
  auto emit = [&](std::string_view entity) -> Result<void> {
    rows.append_entity(buffer, entity, layers);
    if (buffer.size() < k_block) return {};
    auto written = sink(buffer);
    buffer.clear();
    return written;
  };
  auto finish = [&]() -> Result<void> { return buffer.empty() ? Result<void>() : sink(buffer); };

  if (request.column.empty()) {
    if (auto r = finish(); !r) return r;  // the header
    return stream_lines(*in, layers, rows, sink, request.threads);
  }

  CsvReader reader(*in, name);
  std::vector<std::string_view> fields;
  auto header = reader.next(fields);
  if (!header) return std::move(header).error();
  if (!*header) return Error::invalid("empty input: expected a header row", SourceLocation{name, 1, 1});
  size_t index = fields.size();
  std::string columns;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i] == request.column) index = i;
    columns += (i ? ", " : "") + std::string(fields[i]);
  }
  if (index == fields.size()) {
    return Error::invalid(fmt::format("no column '{}' in the header (columns: {})", request.column, columns),
                          SourceLocation{name, 1, 1}, request.column);
  }
  for (;;) {
    auto more = reader.next(fields);
    if (!more) return std::move(more).error();
    if (!*more) break;
    if (fields.size() <= index) {
      if (auto r = finish(); !r) return r;
      return Error::invalid(fmt::format("row has {} field{}, so no '{}' (column {})", fields.size(),
                                        fields.size() == 1 ? "" : "s", request.column, index + 1),
                            SourceLocation{name, static_cast<int>(reader.line()), 1}, request.column);
    }
    if (fields[index].empty()) continue;
    if (auto r = emit(fields[index]); !r) return r;
  }
  return finish();
}

}  // namespace expt
