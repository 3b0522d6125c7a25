#include "commands/analysis_render.h"

#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "commands/render.h"

namespace expt {

using nlohmann::json;

namespace {

json number(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

bool is_percentage(const MetricSpec& m) { return m.type == MetricType::conversion; }

// Metric values for people: rates as percentages, others with 4 significant digits.
std::string show_value(const std::optional<double>& v, const MetricSpec& m) {
  if (!v) return "-";
  if (is_percentage(m)) return fmt::format("{:.2f}%", *v * 100);
  return fmt::format("{:.4g}", *v);
}

std::string show_percent(const std::optional<double>& v) { return v ? fmt::format("{:+.2f}%", *v * 100) : "-"; }

std::string show_p(const std::optional<double>& p) {
  if (!p) return "-";
  if (*p < 0.0001) return "<0.0001";
  return fmt::format("{:.4f}", *p);
}

std::string show_interval(const std::optional<double>& lo, const std::optional<double>& hi, bool percent,
                          const MetricSpec& m) {
  if (!lo || !hi) return "-";
  if (percent) return fmt::format("[{:+.2f}%, {:+.2f}%]", *lo * 100, *hi * 100);
  if (is_percentage(m)) return fmt::format("[{:+.3f}pp, {:+.3f}pp]", *lo * 100, *hi * 100);
  return fmt::format("[{:+.4g}, {:+.4g}]", *lo, *hi);
}

std::string show_difference(const std::optional<double>& d, const MetricSpec& m) {
  if (!d) return "-";
  if (is_percentage(m)) return fmt::format("{:+.3f}pp", *d * 100);
  return fmt::format("{:+.4g}", *d);
}

std::string metric_title(const MetricResult& m) {
  std::string title = fmt::format("{} ({}, {}", m.metric.key, to_string(m.metric.type), to_string(m.binding.role));
  if (m.metric.type == MetricType::percentile) title += fmt::format(", p{}", m.metric.quantile * 100);
  title += fmt::format(", {} is good", to_string(m.good));
  if (m.binding.threshold) {
    if (m.binding.threshold_type == ThresholdType::relative) {
      title += fmt::format(", tolerates {:.4g}% worse", *m.binding.threshold * 100);
    } else if (is_percentage(m.metric)) {
      title += fmt::format(", tolerates {:.4g}pp worse", *m.binding.threshold * 100);
    } else {
      title += fmt::format(", tolerates {:.4g} worse", *m.binding.threshold);
    }
  }
  return title + ")";
}

std::string summary_lines(const AnalysisContext& c) {
  const ExposureCounts& x = c.exposures;
  const EventCounts& e = c.events;
  std::string out;
  out += fmt::format("exposures: {} rows; {} for other experiments, {} repeated, {} {} in two variants excluded", x.rows,
                     x.other_experiments, x.repeated, x.conflicting_entities,
                     x.conflicting_entities == 1 ? "entity" : "entities");
  if (x.recomputed > 0) {
    out += fmt::format("; {} variants recomputed by hashing from the registry ({} not assigned to this experiment)",
                       x.recomputed, x.not_assigned);
  }
  if (x.bad_rows > 0) out += fmt::format("; {} bad rows skipped", x.bad_rows);
  out += "\n";
  out += fmt::format("events: {} rows; {} counted, {} duplicates removed, {} before exposure, {} of unexposed entities, "
                     "{} of other types",
                     e.rows, e.counted, e.duplicates, e.before_exposure, e.unexposed, e.other_event_types);
  if (e.bad_rows > 0) out += fmt::format(", {} bad rows skipped", e.bad_rows);
  return out + "\n";
}

std::string srm_line(const AnalysisReport& r) {
  if (!r.srm.p_value) return "sample ratio: no exposures to check";
  std::string counts;
  for (size_t i = 0; i < r.variants.size(); ++i) {
    counts += fmt::format("{}{} {} (expected {:.0f})", i ? ", " : "", r.variants[i], r.entities[i], r.srm.expected[i]);
  }
  return fmt::format("{}sample ratio: {}; chi-square {:.4g}, p = {}{}", r.srm.mismatch ? "!! " : "", counts,
                     *r.srm.chi_square, show_p(r.srm.p_value),
                     r.srm.mismatch ? " < 0.001: SAMPLE RATIO MISMATCH, results are not trustworthy" : "");
}

json guardrail_json(const GuardrailCheck& g) {
  return json{{"threshold", g.threshold},
              {"threshold_type", to_string(g.threshold_type)},
              {"degradation", number(g.degradation)},
              {"degradation_ci_low", number(g.degradation_ci_low)},
              {"degradation_ci_high", number(g.degradation_ci_high)},
              {"breached", g.breached},
              {"at_risk", g.at_risk}};
}

}  // namespace

std::vector<std::string> describe_breaches(const AnalysisReport& report) {
  std::vector<std::string> out;
  const int level = static_cast<int>(std::round(report.options.test.confidence * 100));
  for (const MetricResult& m : report.metrics) {
    for (const TreatmentResult& t : m.treatments) {
      if (!t.guardrail || !t.guardrail->breached) continue;
      const GuardrailCheck& g = *t.guardrail;
      const bool relative = g.threshold_type == ThresholdType::relative;
      auto show = [&](double v) {
        if (relative) return fmt::format("{:.3g}%", v * 100);
        if (is_percentage(m.metric)) return fmt::format("{:.3g}pp", v * 100);  // rates: percentage points
        return fmt::format("{:.4g}", v);
      };
      out.push_back(fmt::format("guardrail {} breached in variant {}: {} worse ({}% CI {} to {}), tolerated {}",
                                m.metric.key, t.variant, show(*g.degradation), level, show(*g.degradation_ci_low),
                                show(*g.degradation_ci_high), show(g.threshold)));
    }
  }
  return out;
}

json analysis_json(const AnalysisContext& c) {
  const AnalysisReport& r = c.report;
  json variants = json::array();
  for (size_t i = 0; i < r.variants.size(); ++i) {
    variants.push_back({{"key", r.variants[i]},
                        {"weight", r.weights[i] / 10000.0},
                        {"entities", r.entities[i]},
                        {"expected_entities", i < r.srm.expected.size() ? json(r.srm.expected[i]) : json(nullptr)}});
  }
  json metrics = json::array();
  for (const MetricResult& m : r.metrics) {
    json per_variant = json::array();
    for (size_t i = 0; i < m.variants.size(); ++i) {
      const VariantEstimate& v = m.variants[i];
      json j{{"variant", r.variants[i]}, {"n", v.n},           {"value", number(v.value)},
             {"se", number(v.se)},       {"ci_low", number(v.ci_low)}, {"ci_high", number(v.ci_high)}};
      if (m.metric.type == MetricType::percentile) j["events"] = v.events;
      per_variant.push_back(std::move(j));
    }
    json comparisons = json::array();
    for (const TreatmentResult& t : m.treatments) {
      const Comparison& k = t.comparison;
      json j{{"variant", t.variant},
             {"status", to_string(k.status)},
             {"difference", number(k.difference)},
             {"difference_se", number(k.difference_se)},
             {"difference_ci_low", number(k.difference_ci_low)},
             {"difference_ci_high", number(k.difference_ci_high)},
             {"lift", number(k.lift)},
             {"lift_se", number(k.lift_se)},
             {"lift_ci_low", number(k.lift_ci_low)},
             {"lift_ci_high", number(k.lift_ci_high)},
             {"statistic", number(k.statistic)},
             {"df", number(k.df)},
             {"p_value", number(k.p_value)},
             {"z_p_value", number(k.z_p_value)},
             {"adjusted_p_value", number(t.adjusted_p_value)},
             {"significant", t.significant},
             {"chance_to_beat", number(t.bayesian.chance_to_beat)},
             {"expected_loss", number(t.bayesian.expected_loss)},
             {"guardrail", t.guardrail ? guardrail_json(*t.guardrail) : json(nullptr)}};
      comparisons.push_back(std::move(j));
    }
    json metric{{"key", m.metric.key},
                {"name", m.metric.name},
                {"type", to_string(m.metric.type)},
                {"role", to_string(m.binding.role)},
                {"direction", to_string(m.good)},
                {"variants", std::move(per_variant)},
                {"comparisons", std::move(comparisons)}};
    if (m.metric.type == MetricType::percentile) metric["quantile"] = m.metric.quantile;
    metrics.push_back(std::move(metric));
  }
  const ExposureCounts& x = c.exposures;
  const EventCounts& e = c.events;
  return json{
      {"experiment", r.experiment},
      {"confidence", r.options.test.confidence},
      {"correction", to_string(r.options.correction)},
      {"data",
       {{"exposures",
         {{"rows", x.rows},
          {"bad_rows", x.bad_rows},
          {"other_experiments", x.other_experiments},
          {"repeated", x.repeated},
          {"conflicting_entities", x.conflicting_entities},
          {"recomputed", x.recomputed},
          {"not_assigned", x.not_assigned}}},
        {"events",
         {{"rows", e.rows},
          {"bad_rows", e.bad_rows},
          {"other_event_types", e.other_event_types},
          {"unexposed", e.unexposed},
          {"duplicates", e.duplicates},
          {"before_exposure", e.before_exposure},
          {"counted", e.counted}}}}},
      {"variants", std::move(variants)},
      {"srm",
       {{"chi_square", number(r.srm.chi_square)},
        {"p_value", number(r.srm.p_value)},
        {"mismatch", r.srm.mismatch},
        {"threshold", k_srm_threshold}}},
      {"metrics", std::move(metrics)},
      {"guardrail_breaches", c.breaches},
      {"auto_stopped", c.auto_stopped}};
}

std::string analysis_table(const AnalysisContext& c) {
  const AnalysisReport& r = c.report;
  std::ostringstream out;
  const int level = static_cast<int>(std::round(r.options.test.confidence * 100));
  out << fmt::format("experiment {}: {} variants, {}% intervals, {} correction over primary metrics\n", r.experiment,
                     r.variants.size(), level, to_string(r.options.correction));
  out << summary_lines(c) << srm_line(r) << "\n";
  for (const MetricResult& m : r.metrics) {
    out << "\n" << metric_title(m) << "\n";
    Table table({"VARIANT", "N", "VALUE", fmt::format("{}% CI", level), "DIFF", fmt::format("DIFF {}% CI", level), "LIFT",
                 fmt::format("LIFT {}% CI", level), "P", "P ADJ", "P(BEAT)", "LOSS", ""});
    for (size_t i = 0; i < m.variants.size(); ++i) {
      const VariantEstimate& v = m.variants[i];
      std::string label = r.variants[i];
      if (i == 0 && label != "control") label += " (control)";
      std::vector<std::string> row{label, std::to_string(v.n),
                                   show_value(v.value, m.metric), show_interval(v.ci_low, v.ci_high, false, m.metric)};
      if (i == 0) {
        row.insert(row.end(), {"", "", "", "", "", "", "", "", ""});
        row[3] = v.ci_low ? fmt::format("[{}, {}]", show_value(v.ci_low, m.metric), show_value(v.ci_high, m.metric)) : "-";
      } else {
        const TreatmentResult& t = m.treatments[i - 1];
        const Comparison& k = t.comparison;
        row[3] = v.ci_low ? fmt::format("[{}, {}]", show_value(v.ci_low, m.metric), show_value(v.ci_high, m.metric)) : "-";
        std::string mark = t.significant ? "*" : "";
        if (t.guardrail && t.guardrail->breached) mark = "BREACH";
        else if (t.guardrail && t.guardrail->at_risk) mark = "at risk";
        if (k.status != TestStatus::ok) mark = std::string(to_string(k.status));
        row.insert(row.end(), {show_difference(k.difference, m.metric),
                               show_interval(k.difference_ci_low, k.difference_ci_high, false, m.metric),
                               show_percent(k.lift), show_interval(k.lift_ci_low, k.lift_ci_high, true, m.metric),
                               show_p(k.p_value), show_p(t.adjusted_p_value),
                               t.bayesian.chance_to_beat ? fmt::format("{:.1f}%", *t.bayesian.chance_to_beat * 100) : "-",
                               t.bayesian.expected_loss ? fmt::format("{:.3g}", *t.bayesian.expected_loss) : "-", mark});
      }
      table.add_row(std::move(row));
    }
    table.print(out);
  }
  out << "\n* significant at " << level << "% (primary metrics after " << to_string(r.options.correction)
      << " correction)\n";
  for (const std::string& b : c.breaches) out << "!! " << b << "\n";
  if (c.auto_stopped) out << "experiment " << r.experiment << " was stopped (--auto-stop)\n";
  return out.str();
}

std::string analysis_markdown(const AnalysisContext& c) {
  const AnalysisReport& r = c.report;
  std::ostringstream out;
  const int level = static_cast<int>(std::round(r.options.test.confidence * 100));
  out << "## Experiment `" << r.experiment << "`\n\n";
  std::istringstream summary(summary_lines(c) + srm_line(r) + "\n");
  for (std::string line; std::getline(summary, line);) out << "- " << line << "\n";
  for (const MetricResult& m : r.metrics) {
    out << "\n### " << metric_title(m) << "\n\n";
    out << "| variant | n | value | diff | " << level << "% CI | lift | " << level
        << "% CI | p | p adj | P(beat) |\n|---|---:|---:|---:|---|---:|---|---:|---:|---:|\n";
    for (size_t i = 0; i < m.variants.size(); ++i) {
      const VariantEstimate& v = m.variants[i];
      if (i == 0) {
        out << "| " << r.variants[i] << (r.variants[i] == "control" ? "" : " (control)") << " | " << v.n << " | "
            << show_value(v.value, m.metric)
            << " | | | | | | | |\n";
        continue;
      }
      const TreatmentResult& t = m.treatments[i - 1];
      const Comparison& k = t.comparison;
      const std::string name = t.significant ? "**" + r.variants[i] + "**" : r.variants[i];
      out << "| " << name << " | " << v.n << " | "
          << show_value(v.value, m.metric) << " | " << show_difference(k.difference, m.metric) << " | "
          << show_interval(k.difference_ci_low, k.difference_ci_high, false, m.metric) << " | " << show_percent(k.lift)
          << " | " << show_interval(k.lift_ci_low, k.lift_ci_high, true, m.metric) << " | " << show_p(k.p_value)
          << " | " << show_p(t.adjusted_p_value) << " | "
          << (t.bayesian.chance_to_beat ? fmt::format("{:.1f}%", *t.bayesian.chance_to_beat * 100) : "-") << " |\n";
    }
  }
  if (!c.breaches.empty()) {
    out << "\n";
    for (const std::string& b : c.breaches) out << "> **" << b << "**\n";
  }
  out << "\nSignificant results (" << level << "%, " << to_string(r.options.correction)
      << "-corrected for primary metrics) are in bold.\n";
  return out.str();
}

std::string analysis_csv(const AnalysisContext& c) {
  const AnalysisReport& r = c.report;
  Table table({"metric", "type", "role", "variant", "n", "value", "se", "ci_low", "ci_high", "status", "difference",
               "difference_ci_low", "difference_ci_high", "lift", "lift_ci_low", "lift_ci_high", "p_value",
               "adjusted_p_value", "z_p_value", "significant", "chance_to_beat", "expected_loss", "guardrail_breached"});
  auto cell = [](const std::optional<double>& v) { return v ? json(*v).dump() : std::string(); };
  for (const MetricResult& m : r.metrics) {
    for (size_t i = 0; i < m.variants.size(); ++i) {
      const VariantEstimate& v = m.variants[i];
      std::vector<std::string> row{m.metric.key, std::string(to_string(m.metric.type)), std::string(to_string(m.binding.role)),
                                   r.variants[i], std::to_string(v.n), cell(v.value), cell(v.se), cell(v.ci_low),
                                   cell(v.ci_high)};
      if (i == 0) {
        row.resize(23);
      } else {
        const TreatmentResult& t = m.treatments[i - 1];
        const Comparison& k = t.comparison;
        row.insert(row.end(), {std::string(to_string(k.status)), cell(k.difference), cell(k.difference_ci_low),
                               cell(k.difference_ci_high), cell(k.lift), cell(k.lift_ci_low), cell(k.lift_ci_high),
                               cell(k.p_value), cell(t.adjusted_p_value), cell(k.z_p_value),
                               t.significant ? "true" : "false", cell(t.bayesian.chance_to_beat),
                               cell(t.bayesian.expected_loss),
                               t.guardrail ? (t.guardrail->breached ? "true" : "false") : ""});
      }
      table.add_row(std::move(row));
    }
  }
  std::ostringstream out;
  table.print_csv(out);
  return out.str();
}

}  // namespace expt
