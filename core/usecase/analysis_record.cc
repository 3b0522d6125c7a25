#include "core/usecase/analysis_record.h"

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "core/analysis/json_form.h"
#include "core/assign/content_hash.h"
#include "core/base/timestamp.h"
#include "core/plan/transition_plan.h"
#include "core/stats/cuped.h"

namespace expt {

using nlohmann::json;

namespace {

constexpr double k_absent = std::numeric_limits<double>::quiet_NaN();

AggregateRow row_of(const std::string& experiment, std::string kind, std::string metric, std::string variant, std::string name,
                    double n) {
  AggregateRow r;
  r.experiment = experiment;
  r.kind = std::move(kind);
  r.metric = std::move(metric);
  r.variant = std::move(variant);
  r.name = std::move(name);
  r.n = n;
  r.events = r.value = r.ci_low = r.ci_high = r.confidence = k_absent;
  return r;
}


// Per metric and treatment, what a reader of the history wants at a glance.
json key_numbers(const AnalysisResult& result) {
  const AnalysisReport& r = result.report;
  json metrics = json::array();
  for (const MetricResult& m : r.metrics) {
    json comparisons = json::array();
    for (const TreatmentResult& t : m.treatments) {
      json c = comparison_summary_json(t);
      c["guardrail_breached"] = t.guardrail && t.guardrail->breached;
      comparisons.push_back(std::move(c));
    }
    json values = json::array();
    for (const VariantEstimate& v : m.variants) values.push_back(number_or_null(v.value));
    metrics.push_back({{"key", m.metric.key},
                       {"type", to_string(m.metric.type)},
                       {"role", to_string(m.binding.role)},
                       {"values", std::move(values)},
                       {"cuped", m.cuped ? json{{"theta", m.cuped->theta}, {"variance_reduction", number_or_null(m.cuped->variance_reduction)}}
                                         : json(nullptr)},
                       {"comparisons", std::move(comparisons)}});
  }
  return json{{"variants", r.variants},
              {"entities", r.entities},
              {"confidence", r.options.test.confidence},
              {"correction", to_string(r.options.correction)},
              {"sequential", r.options.sequential_tuning ? json{{"tuning", *r.options.sequential_tuning}} : json(nullptr)},
              {"cuped", r.options.cuped_window_days ? json{{"window_days", *r.options.cuped_window_days}} : json(nullptr)},
              {"srm", {{"p_value", number_or_null(r.srm.p_value)}, {"mismatch", r.srm.mismatch}}},
              {"metrics", std::move(metrics)},
              {"guardrail_breaches", result.breaches},
              {"data_problems", result.data_problems}};
}

}  // namespace

std::vector<AggregateRow> recorded_rows(const PreparedAnalysis& prepared) {
  const AnalysisInput& input = *prepared.input;
  const AnalysisReport& report = prepared.result.report;
  const std::string& e = report.experiment;
  std::vector<AggregateRow> rows;
  for (size_t v = 0; v < report.variants.size(); ++v) {
    rows.push_back(row_of(e, "count", "", report.variants[v], "entities", static_cast<double>(report.entities[v])));
  }
  for (size_t i = 0; i < input.aggregates.size() && i < report.metrics.size(); ++i) {
    const MetricAggregate& a = input.aggregates[i];
    const MetricResult& m = report.metrics[i];
    for (size_t v = 0; v < report.variants.size(); ++v) {
      const std::string& variant = report.variants[v];
      switch (a.metric.type) {
        case MetricType::conversion:
        case MetricType::mean: {
          const MeanStats& s = a.mean[v];
          const double n = static_cast<double>(s.n);
          // Conversions count entities: their sums are whole numbers, kept exact.
          const bool whole = a.metric.type == MetricType::conversion;
          auto exact = [whole](double x) { return whole ? std::round(x) : x; };
          AggregateRow r = row_of(e, "metric", a.metric.key, variant, "", n);
          r.sum = exact(s.mean * n);
          r.sum_squares = exact(s.m2 + s.mean * s.mean * n);
          rows.push_back(r);
          if (!a.cuped.empty()) {
            const RatioStats& p = a.cuped[v];  // x: the metric, y: the covariate
            const double pn = static_cast<double>(p.n);
            AggregateRow c = row_of(e, "covariate", a.metric.key, variant,
                                    fmt::format("{:g}", report.options.cuped_window_days.value_or(k_default_cuped_window_days)), pn);
            c.sum = exact(p.mean_y * pn);
            c.sum_squares = exact(p.m2_y + p.mean_y * p.mean_y * pn);
            c.sum_product = exact(p.c_xy + p.mean_x * p.mean_y * pn);
            rows.push_back(c);
          }
          break;
        }
        case MetricType::ratio: {
          const RatioStats& s = a.ratio[v];
          const double n = static_cast<double>(s.n);
          AggregateRow r = row_of(e, "metric", a.metric.key, variant, "", n);
          r.sum = s.mean_x * n;
          r.sum_squares = s.m2_x + s.mean_x * s.mean_x * n;
          r.denominator_sum = s.mean_y * n;
          r.denominator_sum_squares = s.m2_y + s.mean_y * s.mean_y * n;
          r.sum_product = s.c_xy + s.mean_x * s.mean_y * n;
          rows.push_back(r);
          break;
        }
        case MetricType::percentile: {
          // The estimate and its interval's order statistics, as a warehouse returns them.
          const VariantEstimate& est = m.variants[v];
          if (est.events == 0) break;
          AggregateRow r = row_of(e, "percentile", a.metric.key, variant, "", static_cast<double>(est.n));
          r.events = static_cast<double>(est.events);
          r.value = est.value.value_or(k_absent);
          r.ci_low = est.ci_low.value_or(k_absent);
          r.ci_high = est.ci_high.value_or(k_absent);
          r.confidence = report.options.test.confidence;
          rows.push_back(r);
          break;
        }
      }
    }
  }
  const ExposureCounts& x = input.exposures;
  const EventCounts& ev = input.events;
  int64_t metric_rows = 0;
  for (const auto& [type, n] : input.event_type_rows) metric_rows += n;
  const std::pair<const char*, int64_t> counts[] = {
      {"exposures.rows", x.rows},
      {"exposures.other_experiments", x.other_experiments},
      {"exposures.repeated", x.repeated},
      {"exposures.conflicting_entities", x.conflicting_entities},
      {"exposures.recomputed", x.recomputed},
      {"exposures.not_assigned", x.not_assigned},
      {"events.rows", ev.rows},
      {"events.other_event_types", ev.other_event_types},
      {"events.joined", metric_rows - ev.unexposed},  // as the warehouse query counts them
      {"events.duplicates", ev.duplicates},
      {"events.before_exposure", ev.before_exposure},
      {"events.covariate", ev.covariate},
      {"events.counted", ev.counted},
      {"events.first_ms", ev.first_ms.value_or(0)},
      {"events.last_ms", ev.last_ms.value_or(0)}};
  for (const auto& [name, n] : counts) rows.push_back(row_of(e, "count", "", "", name, static_cast<double>(n)));
  for (const auto& [type, n] : input.event_type_rows) rows.push_back(row_of(e, "event_type", "", "", type, static_cast<double>(n)));
  for (const auto& [type, n] : ev.other_event_type_names.by_count()) {
    rows.push_back(row_of(e, "event_type", "", "", type, static_cast<double>(n)));
  }
  for (const auto& [name, n] : x.other_experiment_names.by_count()) {
    rows.push_back(row_of(e, "exposure_experiment", "", "", name, static_cast<double>(n)));
  }
  return rows;
}

json input_hashes(const std::vector<std::string>& paths, const json& source) {
  json inputs = source;
  json files = json::array();
  for (const std::string& path : paths) {
    auto hash = path == "-" ? std::optional<std::string>() : file_content_hash(path);
    files.push_back({{"path", path}, {"xxh128", hash ? json(*hash) : json(nullptr)}});
  }
  if (!files.empty()) inputs["files"] = std::move(files);
  return inputs;
}

AnalysisRecord make_analysis_record(const PreparedAnalysis& prepared, const AuditStamp& stamp) {
  AnalysisRecord record;
  record.experiment = prepared.experiment.spec.key;
  record.recorded_at = stamp.at;
  record.actor = stamp.actor;
  const EventCounts& events = prepared.input->events;
  if (events.first_ms) record.data_from = format_utc(*events.first_ms);
  if (events.last_ms) record.data_to = format_utc(*events.last_ms);
  if (prepared.latest_bundle) record.bundle_version = prepared.latest_bundle->version;
  record.inputs = input_hashes(prepared.files, prepared.result.source);
  record.summary = json{{"key_numbers", key_numbers(prepared.result)},
                        {"aggregates", aggregate_rows_json(recorded_rows(prepared))}};
  return record;
}

Result<void> commit_analysis_outcome(Registry& registry, const PreparedAnalysis& prepared, bool stop, bool record,
                                     const AuditStamp& stamp) {
  if (!stop && !record) return {};
  const std::string& key = prepared.experiment.spec.key;
  return registry.update(
      [&](const RegistryState& current) -> Result<ChangeSet> {
        ChangeSet changes;
        if (stop) {
          const std::string reason = "auto-stop: " + prepared.result.breaches.front();
          auto plan = plan_transition(current, {key, Transition::stop, reason}, stamp);
          if (!plan) return std::move(plan).error();
          changes = plan->changes;
        }
        if (record) {
          AnalysisRecord kept = make_analysis_record(prepared, stamp);
          changes.audit.push_back(AuditEntry{0, stamp.at, stamp.actor, "record", "experiment", key,
                                             json{{"data_from", kept.data_from}, {"data_to", kept.data_to}, {"inputs", kept.inputs}}});
          changes.analyses.push_back(std::move(kept));
        }
        return changes;
      },
      ReadScope{{key}, {}});
}

}  // namespace expt
