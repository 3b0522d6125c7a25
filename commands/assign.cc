#include "commands/assign.h"

#include <ostream>

#include <fmt/format.h>

#include "commands/common/output.h"
#include "commands/render/assignment_rows.h"
#include "commands/render/assignment_stream.h"
#include "commands/render/render.h"
#include "core/assign/assignment_json.h"
#include "core/usecase/assignment_source.h"

namespace expt {

namespace {

void print_entities(const AssignOptions& options, const AssignmentSnapshot& snapshot,
                    const std::vector<size_t>& layers, Io& io) {
  if (options.format == OutputFormat::csv || options.format == OutputFormat::jsonl) {
    std::string out;
    if (options.format == OutputFormat::csv) out += k_assignment_csv_header;
    AssignmentRowWriter rows(snapshot, options.format);
    for (const std::string& entity : options.entities) {
      rows.append_entity(out, entity, layers);
    }
    io.out << out;
    return;
  }
  if (options.format == OutputFormat::json) {
    nlohmann::json all = nlohmann::json::array();
    for (const std::string& entity : options.entities) all.push_back(assignment_json(snapshot, layers, entity));
    print_json(io.out, all);
    return;
  }
  Table table({"ENTITY", "NAMESPACE", "EXPERIMENT", "VARIANT", "SLOT", "HOLDOUT", "CONFIG"});
  for (const std::string& entity : options.entities) {
    bool held = in_global_holdout(snapshot, entity);
    for (size_t layer : layers) {
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
  if (options.entities.empty() && options.input.empty()) {
    return report(io, Error::invalid("no entity to assign: give entity IDs as arguments (expt assign user-7) or "
                                     "--input FILE (or - for stdin)"));
  }
  if (!options.entities.empty() && !options.input.empty()) {
    return report(io, Error::invalid("give entity IDs as arguments or --input, not both"));
  }
  if (!options.input.empty() && options.format_given &&
      (options.format == OutputFormat::human || options.format == OutputFormat::json)) {
    return report(io, Error::invalid(fmt::format("--format {} cannot be used with --input: streamed assignments are "
                                                 "csv (the default) or jsonl",
                                                 to_string(options.format))));
  }
  if (!options.column.empty() && options.input.empty()) {
    return report(io, Error::invalid("--column needs --input"));
  }
  auto snapshot = load_assignment_snapshot(options.registry.path, options.bundle, io.stamp(), options.namespaces);
  if (!snapshot) return report(io, snapshot.error());
  auto layers = select_layers(**snapshot, options.namespaces);
  if (!layers) return report(io, layers.error());
  if (options.input.empty()) {
    print_entities(options, **snapshot, *layers, io);
    return ExitCode::ok;
  }
  auto output = Output::open("-", io);  // each block's write checked: a full disk stops the stream
  if (!output) return report(io, output.error());
  auto to_stdout = [&output](std::string_view block) { return output->write(block); };
  auto streamed = stream_assignments({options.input, options.column, options.format, options.threads}, **snapshot, *layers, to_stdout,
                                     io.in);
  if (!streamed) return report(io, streamed.error());
  if (auto committed = output->commit(); !committed) return report(io, committed.error());
  return ExitCode::ok;
}

}  // namespace expt
