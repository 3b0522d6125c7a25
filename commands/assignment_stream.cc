#include "commands/assignment_stream.h"

#include <charconv>

#include <fmt/format.h>

#include "commands/input_stream.h"
#include "commands/render.h"
#include "core/ingest/csv_reader.h"
#include "core/base/edit_distance.h"
#include "core/assign/evaluator.h"
#include "core/registry/registry_snapshot.h"

namespace expt {

namespace {

constexpr size_t k_block = 1 << 20;

void append_number(std::string& out, uint32_t value) {
  char digits[16];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, end);
}

void append_json_string(std::string& out, std::string_view s) {
  bool plain = true;
  for (unsigned char c : s) plain = plain && c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
  if (plain) {
    out += '"';
    out += s;
    out += '"';
    return;
  }
  out += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Keys never need escaping; an empty one is "no experiment" and is written as null.
void append_key_or_null(std::string& out, std::string_view key) {
  if (key.empty()) {
    out += "null";
    return;
  }
  out += '"';
  out += key;
  out += '"';
}

}  // namespace

Result<std::shared_ptr<const AssignmentSnapshot>> load_assignment_snapshot(const RegistryOptions& registry,
                                                                          const std::string& bundle_path,
                                                                          const Io& io) {
  if (!bundle_path.empty()) {
    Evaluator evaluator;
    auto loaded = evaluator.load_file(bundle_path);
    if (!loaded) return std::move(loaded).error();
    std::shared_ptr<const BundleSnapshot> bundle = evaluator.snapshot();
    // Share ownership with the bundle: the snapshot lives inside it.
    return std::shared_ptr<const AssignmentSnapshot>(bundle, &bundle->assignment());
  }
  auto opened = open_registry(registry, OpenMode::must_exist, io);
  if (!opened) return std::move(opened).error();
  auto state = (*opened)->read();
  if (!state) return std::move(state).error();
  return std::shared_ptr<const AssignmentSnapshot>(std::make_shared<AssignmentSnapshot>(snapshot_from_registry(*state)));
}


void append_assignment_row(std::string& out, const AssignmentSnapshot& snapshot, size_t layer,
                           std::string_view entity, const LayerAssignment& a, OutputFormat format) {
  std::string_view experiment = experiment_key(snapshot, a);
  std::string_view variant = variant_key(snapshot, a);
  if (format == OutputFormat::jsonl) {
    out += "{\"entity_id\":";
    append_json_string(out, entity);
    out += ",\"namespace\":\"";
    out += snapshot.layers[layer].key;
    out += "\",\"experiment\":";
    append_key_or_null(out, experiment);
    out += ",\"variant\":";
    append_key_or_null(out, variant);
    out += ",\"slot\":";
    append_number(out, a.slot);
    out += a.in_global_holdout ? ",\"in_holdout\":true}\n" : ",\"in_holdout\":false}\n";
    return;
  }
  append_csv_field(out, entity);
  out += ',';
  out += snapshot.layers[layer].key;  // keys never need quoting
  out += ',';
  out += experiment;
  out += ',';
  out += variant;
  out += ',';
  append_number(out, a.slot);
  out += a.in_global_holdout ? ",true\n" : ",false\n";
}

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

  auto emit = [&](std::string_view entity) -> Result<void> {
    const bool held = in_global_holdout(snapshot, entity);
    for (size_t layer : layers) {
      append_assignment_row(buffer, snapshot, layer, entity, assign_in_layer(snapshot, layer, entity, held), format);
    }
    if (buffer.size() < k_block) return {};
    auto written = sink(buffer);
    buffer.clear();
    return written;
  };
  auto finish = [&]() -> Result<void> { return buffer.empty() ? Result<void>() : sink(buffer); };

  if (request.column.empty()) {
    std::string line;
    while (std::getline(*in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;
      if (auto r = emit(line); !r) return r;
    }
    return finish();
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
