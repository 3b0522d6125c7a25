#include "commands/results.h"

#include <ostream>

#include <fmt/format.h>

#include "commands/render/render.h"
#include "core/warehouse/aggregate_rows.h"

namespace expt {

using nlohmann::json;

namespace {

json record_json(const AnalysisRecord& a) {
  return json{{"id", a.id},
              {"experiment", a.experiment},
              {"recorded_at", a.recorded_at},
              {"actor", a.actor},
              {"data_from", a.data_from.empty() ? json(nullptr) : json(a.data_from)},
              {"data_to", a.data_to.empty() ? json(nullptr) : json(a.data_to)},
              {"bundle_version", a.bundle_version ? json(*a.bundle_version) : json(nullptr)},
              {"inputs", a.inputs},
              {"key_numbers", a.summary.value("key_numbers", json::object())}};
}

std::string percent(const json& v) { return v.is_number() ? fmt::format("{:+.1f}%", v.get<double>() * 100) : "-"; }

// "revenue +3.2% [-0.4%, +6.9%] p 0.081": each primary and guardrail metric's first treatment
// (and further treatments after it), so a line reads as the experiment's state at the time.
std::string headline(const json& key_numbers) {
  std::string out;
  for (const json& m : key_numbers.value("metrics", json::array())) {
    if (m.value("role", "") == "informational") continue;
    for (const json& c : m.value("comparisons", json::array())) {
      const json& p = c.contains("adjusted_p_value") && c["adjusted_p_value"].is_number() ? c["adjusted_p_value"] : c.value("p_value", json());
      const bool several = key_numbers.value("variants", json::array()).size() > 2;
      out += fmt::format("{}{}{} {} [{}, {}] p {}{}", out.empty() ? "" : "; ", m.value("key", ""),
                         several ? " " + c.value("variant", std::string()) : std::string(), percent(c.value("lift", json())), percent(c.value("lift_ci_low", json())),
                         percent(c.value("lift_ci_high", json())), p.is_number() ? fmt::format("{:.3g}", p.get<double>()) : "-",
                         c.value("guardrail_breached", false) ? " BREACHED" : c.value("significant", false) ? " significant" : "");
    }
  }
  return out.empty() ? "-" : out;
}

}  // namespace

ExitCode run_results(const ResultsOptions& options, Io& io) {
  if (options.limit && *options.limit < 1) {
    return report(io, Error::invalid(fmt::format("--limit must be a whole number of at least 1, got {}", *options.limit)));
  }
  auto context = read_experiment(options.registry, options.experiment, io);
  if (!context) return report(io, context.error());
  auto records = context->registry->analyses(options.experiment, options.aggregates ? 0 : static_cast<size_t>(options.limit.value_or(0)));
  if (!records) return report(io, records.error());

  if (options.aggregates) {
    for (const AnalysisRecord& a : *records) {
      if (a.id != *options.aggregates) continue;
      const std::string text = a.summary.value("aggregates", json::array()).dump();
      auto rows = read_aggregate_rows_json(text, fmt::format("recorded analysis {}", a.id));
      if (!rows) return report(io, rows.error());
      io.out << aggregate_rows_csv(*rows);
      return ExitCode::ok;
    }
    return report(io, Error::not_found(fmt::format("experiment '{}' has no recorded analysis {}{}", options.experiment,
                                                   *options.aggregates,
                                                   records->empty() ? "; it has none (expt analyze --record keeps one)"
                                                                    : fmt::format("; its analyses are {} to {}", records->front().id,
                                                                                  records->back().id))));
  }
  if (options.format == OutputFormat::json) {
    json out = json::array();
    for (const AnalysisRecord& a : *records) out.push_back(record_json(a));
    print_json(io.out, out);
    return ExitCode::ok;
  }
  Table table({"ID", "RECORDED", "ACTOR", "DATA FROM", "DATA TO", "BUNDLE", "ENTITIES", "PRIMARY AND GUARDRAILS"});
  for (const AnalysisRecord& a : *records) {
    const json k = a.summary.value("key_numbers", json::object());
    int64_t entities = 0;
    for (const json& n : k.value("entities", json::array())) entities += n.get<int64_t>();
    table.add_row({std::to_string(a.id), a.recorded_at, a.actor, a.data_from.empty() ? "-" : a.data_from,
                   a.data_to.empty() ? "-" : a.data_to, a.bundle_version ? std::to_string(*a.bundle_version) : "-",
                   std::to_string(entities), headline(k)});
  }
  if (options.format == OutputFormat::csv) {
    table.print_csv(io.out);
  } else if (records->empty()) {
    io.out << fmt::format("no recorded analyses of {}; `expt analyze {} ... --record` keeps one\n", options.experiment,
                          options.experiment);
  } else {
    table.print(io.out);
  }
  return ExitCode::ok;
}

}  // namespace expt
