#include "commands/export_registry.h"

#include <filesystem>
#include <map>
#include <ostream>
#include <sstream>

#include <fmt/format.h>

#include "commands/common/output.h"
#include "commands/render/render.h"
#include "core/base/atomic_file.h"
#include "core/registry/json_form.h"
#include "core/spec/json_form.h"

namespace expt {

namespace {

using nlohmann::json;

std::string text_or_empty(const json& j, const char* field) {
  if (!j.contains(field) || j[field].is_null()) return "";
  return j[field].is_string() ? j[field].get<std::string>() : j[field].dump();
}

std::map<std::string, Table> registry_tables(const RegistryState& state) {
  std::map<std::string, Table> tables;
  Table namespaces({"key", "description", "total_slots", "default_config", "created_at", "updated_at"});
  for (const NamespaceRecord& n : state.namespaces) {
    namespaces.add_row({n.spec.key, n.spec.description, std::to_string(n.spec.total_slots), n.spec.default_config.dump(),
                        n.created_at, n.updated_at});
  }
  Table metrics({"key", "name", "type", "event_type", "aggregation", "denominator_event_type",
                 "denominator_aggregation", "direction", "description"});
  for (const MetricRecord& m : state.metrics) {
    json j = to_json(m.spec);
    bool ratio = m.spec.type == MetricType::ratio;
    metrics.add_row({m.spec.key, m.spec.name, std::string(to_string(m.spec.type)),
                     ratio ? m.spec.measure.event_type : text_or_empty(j, "event_type"),
                     ratio ? std::string(to_string(m.spec.measure.aggregation)) : text_or_empty(j, "aggregation"),
                     ratio ? m.spec.denominator->event_type : "",
                     ratio ? std::string(to_string(m.spec.denominator->aggregation)) : "",
                     std::string(to_string(m.spec.direction)), m.spec.description});
  }
  Table experiments({"key", "namespace", "type", "status", "owner_team", "slot_start", "slot_end", "slots",
                     "holds_slots", "traffic", "description", "created_at", "started_at", "stopped_at", "archived_at",
                     "analysis"});
  Table variants({"experiment", "position", "key", "allocation", "allocation_bps", "config"});
  Table bindings({"experiment", "metric", "role", "direction", "threshold", "threshold_type", "cuped"});
  for (const ExperimentRecord& e : state.experiments) {
    experiments.add_row({e.spec.key, e.spec.namespace_key, std::string(to_string(e.spec.type)),
                         std::string(to_string(e.status)), e.spec.owner_team,
                         e.slots ? std::to_string(e.slots->start) : "", e.slots ? std::to_string(e.slots->end) : "",
                         e.slots ? std::to_string(e.slots->size()) : "", e.claims_slots() ? "true" : "false",
                         to_json(e.spec.traffic).dump(), e.spec.description, e.created_at, e.started_at, e.stopped_at,
                         e.archived_at, e.spec.analysis ? to_json(*e.spec.analysis).dump() : ""});
    for (size_t i = 0; i < e.spec.variants.size(); ++i) {
      const VariantSpec& v = e.spec.variants[i];
      variants.add_row({e.spec.key, std::to_string(i), v.key, json(bps_to_fraction(v.allocation_bps)).dump(),
                        std::to_string(v.allocation_bps), v.config.dump()});
    }
    for (const MetricBinding& b : e.spec.metrics) {
      bindings.add_row({e.spec.key, b.metric, std::string(to_string(b.role)),
                        b.direction ? std::string(to_string(*b.direction)) : "",
                        b.threshold ? json(*b.threshold).dump() : "", b.threshold ? std::string(to_string(b.threshold_type)) : "",
                        b.cuped ? "true" : "false"});
    }
  }
  tables.emplace("namespaces", std::move(namespaces));
  tables.emplace("metrics", std::move(metrics));
  tables.emplace("experiments", std::move(experiments));
  tables.emplace("variants", std::move(variants));
  tables.emplace("bindings", std::move(bindings));
  return tables;
}

json registry_document(const RegistryState& state) {
  json namespaces = json::array(), metrics = json::array(), experiments = json::array();
  for (const NamespaceRecord& n : state.namespaces) namespaces.push_back(to_json(n));
  for (const MetricRecord& m : state.metrics) metrics.push_back(to_json(m));
  for (const ExperimentRecord& e : state.experiments) experiments.push_back(to_json(e));
  json holdout = state.global_holdout ? to_json(state.global_holdout->spec) : json(nullptr);
  if (!holdout.is_null()) holdout.erase("kind");
  return json{{"hash_version", static_cast<uint32_t>(state.hash_version)},
              {"namespaces", namespaces},
              {"metrics", metrics},
              {"experiments", experiments},
              {"global_holdout", holdout}};
}

std::string csv_of(const Table& table) {
  std::ostringstream out;
  table.print_csv(out);
  return std::move(out).str();
}

}  // namespace

ExitCode run_export_registry(const ExportRegistryOptions& options, Io& io) {
  if (options.format == OutputFormat::json && !options.table.empty()) {
    return report(io, Error::invalid("--table applies to --format csv"));
  }
  if (options.format == OutputFormat::csv && is_stdout_path(options.output) && options.table.empty()) {
    return report(io, Error::invalid("--format csv writes five tables: give --output DIR, or --table NAME for one "
                                     "table on stdout (namespaces, metrics, experiments, variants, bindings)"));
  }
  auto registry = open_registry(options.registry, OpenMode::must_exist, io);
  if (!registry) return report(io, registry.error());
  auto state = (*registry)->read();
  if (!state) return report(io, state.error());

  if (options.format == OutputFormat::json) {
    auto output = Output::open(options.output, io);
    if (!output) return report(io, output.error());
    if (auto written = output->write(registry_document(*state).dump(2) + "\n"); !written) return report(io, written.error());
    auto committed = output->commit();
    return committed ? ExitCode::ok : report(io, committed.error());
  }
  std::map<std::string, Table> tables = registry_tables(*state);
  if (!options.table.empty()) {
    auto it = tables.find(options.table);
    if (it == tables.end()) {
      return report(io, Error::invalid(fmt::format(
                            "unknown table '{}'; tables: namespaces, metrics, experiments, variants, bindings",
                            options.table)));
    }
    it->second.print_csv(io.out);
    return ExitCode::ok;
  }
  std::error_code ec;
  std::filesystem::create_directories(options.output, ec);
  if (ec) return report(io, Error::io(fmt::format("cannot create '{}': {}", options.output, ec.message()), options.output));
  for (const auto& [name, table] : tables) {
    auto written = write_file_atomically((std::filesystem::path(options.output) / (name + ".csv")).string(), csv_of(table));
    if (!written) return report(io, written.error());
  }
  return ExitCode::ok;
}

}  // namespace expt
