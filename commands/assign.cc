#include "commands/assign.h"

#include <charconv>
#include <fstream>
#include <memory>
#include <ostream>

#include <fmt/format.h>

#include "commands/render.h"
#include "core/assignment.h"
#include "core/csv_reader.h"

namespace expt {

namespace {

// Accumulates output rows and writes them in large blocks.
class BlockWriter {
 public:
  explicit BlockWriter(std::ostream& out) : m_out(out) { m_buffer.reserve(k_block + 4096); }
  ~BlockWriter() { flush(); }
  std::string& buffer() { return m_buffer; }
  void maybe_flush() {
    if (m_buffer.size() >= k_block) flush();
  }
  void flush() {
    m_out.write(m_buffer.data(), static_cast<std::streamsize>(m_buffer.size()));
    m_buffer.clear();
  }

 private:
  static constexpr size_t k_block = 1 << 20;
  std::ostream& m_out;
  std::string m_buffer;
};

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

struct Layers {
  std::vector<size_t> indexes;
};

Result<Layers> select_layers(const AssignmentSnapshot& snapshot, const RegistryState& state,
                             const std::vector<std::string>& names) {
  Layers layers;
  if (names.empty()) {
    for (size_t i = 0; i < snapshot.layers.size(); ++i) layers.indexes.push_back(i);
    return layers;
  }
  for (const std::string& name : names) {
    int index = snapshot.layer_index(name);
    if (index < 0) return unknown_namespace(state, name);
    layers.indexes.push_back(static_cast<size_t>(index));
  }
  return layers;
}

void append_row(std::string& out, const AssignmentSnapshot& snapshot, size_t layer, std::string_view entity,
                const LayerAssignment& a, OutputFormat format) {
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

ExitCode stream_assignments(const AssignOptions& options, const AssignmentSnapshot& snapshot, const Layers& layers,
                            Io& io) {
  std::unique_ptr<std::ifstream> file;
  std::istream* in = &io.in;
  const std::string name = options.input;
  if (name != "-") {
    file = std::make_unique<std::ifstream>(name, std::ios::binary);
    if (!*file) return report(io, Error::io(fmt::format("cannot read '{}'", name), name));
    in = file.get();
  }
  const OutputFormat format = options.format == OutputFormat::jsonl ? OutputFormat::jsonl : OutputFormat::csv;
  BlockWriter writer(io.out);
  if (format == OutputFormat::csv) writer.buffer() += "entity_id,namespace,experiment,variant,slot,in_holdout\n";

  auto emit = [&](std::string_view entity) {
    const bool held = in_global_holdout(snapshot, entity);
    for (size_t layer : layers.indexes) {
      append_row(writer.buffer(), snapshot, layer, entity, assign_in_layer(snapshot, layer, entity, held), format);
    }
    writer.maybe_flush();
  };

  if (options.column.empty()) {
    std::string line;
    while (std::getline(*in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) emit(line);
    }
    return ExitCode::ok;
  }

  CsvReader reader(*in, name);
  std::vector<std::string_view> fields;
  auto header = reader.next(fields);
  if (!header) return report(io, header.error());
  if (!*header) return report(io, Error::invalid("empty input: expected a header row", SourceLocation{name, 1, 1}));
  size_t index = fields.size();
  std::string columns;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i] == options.column) index = i;
    columns += (i ? ", " : "") + std::string(fields[i]);
  }
  if (index == fields.size()) {
    return report(io, Error::invalid(fmt::format("no column '{}' in the header (columns: {})", options.column, columns),
                                     SourceLocation{name, 1, 1}, options.column));
  }
  for (;;) {
    auto more = reader.next(fields);
    if (!more) return report(io, more.error());
    if (!*more) break;
    if (fields.size() <= index) {
      writer.flush();
      return report(io, Error::invalid(fmt::format("row has {} field{}, so no '{}' (column {})", fields.size(),
                                                   fields.size() == 1 ? "" : "s", options.column, index + 1),
                                       SourceLocation{name, static_cast<int>(reader.line()), 1}, options.column));
    }
    if (!fields[index].empty()) emit(fields[index]);
  }
  return ExitCode::ok;
}

void print_entities(const AssignOptions& options, const AssignmentSnapshot& snapshot, const Layers& layers, Io& io) {
  if (options.format == OutputFormat::csv || options.format == OutputFormat::jsonl) {
    std::string out;
    if (options.format == OutputFormat::csv) out += "entity_id,namespace,experiment,variant,slot,in_holdout\n";
    for (const std::string& entity : options.entities) {
      bool held = in_global_holdout(snapshot, entity);
      for (size_t layer : layers.indexes) {
        append_row(out, snapshot, layer, entity, assign_in_layer(snapshot, layer, entity, held), options.format);
      }
    }
    io.out << out;
    return;
  }
  if (options.format == OutputFormat::json) {
    nlohmann::json all = nlohmann::json::array();
    for (const std::string& entity : options.entities) {
      bool held = in_global_holdout(snapshot, entity);
      nlohmann::json per_layer = nlohmann::json::array();
      for (size_t layer : layers.indexes) {
        LayerAssignment a = assign_in_layer(snapshot, layer, entity, held);
        std::string_view experiment = experiment_key(snapshot, a);
        std::string_view variant = variant_key(snapshot, a);
        per_layer.push_back({{"namespace", snapshot.layers[layer].key},
                             {"experiment", experiment.empty() ? nlohmann::json() : nlohmann::json(experiment)},
                             {"variant", variant.empty() ? nlohmann::json() : nlohmann::json(variant)},
                             {"slot", a.slot},
                             {"config", merged_config(snapshot, layer, a)}});
      }
      all.push_back({{"entity_id", entity}, {"in_global_holdout", held}, {"layers", per_layer}});
    }
    print_json(io.out, all);
    return;
  }
  Table table({"ENTITY", "NAMESPACE", "EXPERIMENT", "VARIANT", "SLOT", "HOLDOUT", "CONFIG"});
  for (const std::string& entity : options.entities) {
    bool held = in_global_holdout(snapshot, entity);
    for (size_t layer : layers.indexes) {
      LayerAssignment a = assign_in_layer(snapshot, layer, entity, held);
      std::string_view experiment = experiment_key(snapshot, a);
      std::string_view variant = variant_key(snapshot, a);
      table.add_row({entity, snapshot.layers[layer].key, experiment.empty() ? "-" : std::string(experiment),
                     variant.empty() ? "-" : std::string(variant), std::to_string(a.slot), held ? "yes" : "no",
                     merged_config(snapshot, layer, a).dump()});
    }
  }
  table.print(io.out);
}

}  // namespace

ExitCode run_assign(const AssignOptions& options, Io& io) {
  if (options.entities.empty() == options.input.empty()) {
    return report(io, Error::invalid("give entity IDs as arguments or --input FILE (or -), not both"));
  }
  if (!options.column.empty() && options.input.empty()) {
    return report(io, Error::invalid("--column needs --input"));
  }
  auto registry = open_registry(options.registry, OpenMode::must_exist, io);
  if (!registry) return report(io, registry.error());
  auto state = (*registry)->read();
  if (!state) return report(io, state.error());
  const AssignmentSnapshot snapshot = snapshot_from_registry(*state);
  auto layers = select_layers(snapshot, *state, options.namespaces);
  if (!layers) return report(io, layers.error());
  if (!options.input.empty()) return stream_assignments(options, snapshot, *layers, io);
  print_entities(options, snapshot, *layers, io);
  return ExitCode::ok;
}

}  // namespace expt
