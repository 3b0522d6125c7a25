#include "commands/render/analysis_render.h"

#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "commands/render/analysis_numbers.h"
#include "commands/render/color.h"
#include "commands/render/render.h"
#include "core/base/printable.h"

namespace expt {

using nlohmann::json;

namespace {

bool is_percentage(const MetricSpec& m) { return m.type == MetricType::conversion; }

// Breaks `text` at spaces into lines of at most `width` columns; continuation lines are indented.
std::string wrapped(const std::string& given, size_t width = 100, size_t indent = 2) {
  const std::string text = printable(given);  // data problems quote the data's own names
  const size_t lead = std::min(text.find_first_not_of(' '), text.size());
  std::string out, line(lead, ' ');
  size_t start = lead;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    std::string word = text.substr(start, end - start);
    if (line.size() > lead && line.size() + 1 + word.size() > width) {
      out += line + "\n";
      line = std::string(lead + indent, ' ') + word;
    } else {
      line += (line.size() > lead ? " " : "") + word;
    }
    start = end + 1;
  }
  return out + line + "\n";
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
  std::string out = fmt::format("exposures: {} rows\n  not counted: {} for other experiments, {} repeated, {} {} in two "
                                "variants excluded",
                                x.rows, x.other_experiments, x.repeated, x.conflicting_entities,
                                x.conflicting_entities == 1 ? "entity" : "entities");
  if (x.recomputed > 0) {
    out += fmt::format("\n  {} variants recomputed by hashing from the registry ({} not assigned to this experiment)",
                       x.recomputed, x.not_assigned);
  }
  if (x.bad_rows > 0) out += fmt::format("; {} bad rows skipped", x.bad_rows);
  out += "\n";
  out += fmt::format("events: {} rows, {} counted\n  not counted: {} duplicates, {} before exposure, {} of unexposed "
                     "entities, {} of other types",
                     e.rows, e.counted, e.duplicates, e.before_exposure, e.unexposed, e.other_event_types);
  if (e.bad_rows > 0) out += fmt::format(", {} bad rows skipped", e.bad_rows);
  return out + "\n";
}

std::string verdict_word(const MetricResult& m, const TreatmentResult& t) {
  const Verdict v = verdict_of(m, t);
  if (v == Verdict::no_result) return std::string(to_string(t.comparison.status));
  return std::string(to_string(v));
}

// Markdown: the word with a mark, so a harm never looks like a win.
std::string verdict_markdown(const MetricResult& m, const TreatmentResult& t) {
  switch (verdict_of(m, t)) {
    case Verdict::better: return "✅ better";
    case Verdict::worse: return "❌ **worse**";
    case Verdict::breach: return "🚨 **breach**";
    case Verdict::at_risk: return "⚠️ at risk";
    case Verdict::not_significant: return "not significant";
    case Verdict::no_result: return std::string(to_string(t.comparison.status));
  }
  return "";
}

std::string srm_line(const AnalysisReport& r) {
  if (!r.srm.p_value) return "sample ratio: no exposures to check";
  std::string counts;
  for (size_t i = 0; i < r.variants.size(); ++i) {
    counts += fmt::format("{}{} {} (expected {:.0f})", i ? ", " : "", r.variants[i], r.entities[i], r.srm.expected[i]);
  }
  return fmt::format("{}sample ratio: chi-square {:.4g}, p = {}{}\n  {}", r.srm.mismatch ? "!! " : "",
                     *r.srm.chi_square, show_p(r.srm.p_value),
                     r.srm.mismatch ? fmt::format(" < {}: SAMPLE RATIO MISMATCH, results are not trustworthy", k_srm_threshold_text) : "", counts);
}

json guardrail_json(const GuardrailCheck& g) {
  return json{{"threshold", g.threshold},
              {"threshold_type", to_string(g.threshold_type)},
              {"degradation", number_or_null(g.degradation)},
              {"degradation_ci_low", number_or_null(g.degradation_ci_low)},
              {"degradation_ci_high", number_or_null(g.degradation_ci_high)},
              {"breached", g.breached},
              {"at_risk", g.at_risk}};
}

}  // namespace

namespace {

json cuped_json(const CupedSummary& c, const std::vector<std::string>& variants) {
  json unadjusted = json::array();
  for (size_t i = 0; i < c.unadjusted.size() && i < variants.size(); ++i) {
    unadjusted.push_back({{"variant", variants[i]}, {"n", c.unadjusted[i].n}, {"value", c.unadjusted[i].n > 0 ? json(c.unadjusted[i].mean) : json(nullptr)}});
  }
  return json{{"theta", c.theta},
              {"covariate_mean", c.covariate_mean},
              {"variance_reduction", number_or_null(c.variance_reduction)},
              {"unadjusted", std::move(unadjusted)}};
}

}  // namespace

std::string cuped_line(const CupedSummary& c, const AnalysisOptions& options) {
  const std::string reduction = c.variance_reduction ? fmt::format("{:.1f}%", -*c.variance_reduction * 100) : "-";
  return fmt::format("CUPED: variance {} (theta {:.4g}, {:g}-day pre-exposure window); values are adjusted", reduction,
                     c.theta, options.cuped_window_days.value_or(0));
}

namespace {

// The cumulative analysis per day: per metric and treatment, the estimate and its interval.
json days_json(const std::vector<DayReport>& days) {
  json out = json::array();
  for (const DayReport& d : days) {
    json metrics = json::array();
    for (const MetricResult& m : d.report.metrics) {
      json comparisons = json::array();
      for (const TreatmentResult& t : m.treatments) comparisons.push_back(comparison_summary_json(t));
      json values = json::array();
      for (const VariantEstimate& v : m.variants) values.push_back(number_or_null(v.value));
      metrics.push_back({{"key", m.metric.key}, {"values", std::move(values)}, {"comparisons", std::move(comparisons)}});
    }
    out.push_back({{"day", d.day}, {"entities", d.report.entities}, {"metrics", std::move(metrics)}});
  }
  return out;
}

}  // namespace

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
      json j{{"variant", r.variants[i]}, {"n", v.n},           {"value", number_or_null(v.value)},
             {"se", number_or_null(v.se)},       {"ci_low", number_or_null(v.ci_low)}, {"ci_high", number_or_null(v.ci_high)}};
      if (m.metric.type == MetricType::percentile) j["events"] = v.events;
      per_variant.push_back(std::move(j));
    }
    json comparisons = json::array();
    for (const TreatmentResult& t : m.treatments) {
      const Comparison& k = t.comparison;
      json j{{"variant", t.variant},
             {"status", to_string(k.status)},
             {"difference", number_or_null(k.difference)},
             {"difference_se", number_or_null(k.difference_se)},
             {"difference_ci_low", number_or_null(k.difference_ci_low)},
             {"difference_ci_high", number_or_null(k.difference_ci_high)},
             {"lift", number_or_null(k.lift)},
             {"lift_se", number_or_null(k.lift_se)},
             {"lift_ci_low", number_or_null(k.lift_ci_low)},
             {"lift_ci_high", number_or_null(k.lift_ci_high)},
             {"statistic", number_or_null(k.statistic)},
             {"df", number_or_null(k.df)},
             {"p_value", number_or_null(k.p_value)},
             {"z_p_value", number_or_null(k.z_p_value)},
             {"fisher_p_value", number_or_null(k.fisher_p_value)},
             {"adjusted_p_value", number_or_null(t.adjusted_p_value)},
             {"significant", t.significant},
             {"chance_to_beat", number_or_null(t.bayesian.chance_to_beat)},
             {"expected_loss", number_or_null(t.bayesian.expected_loss)},
             {"guardrail", t.guardrail ? guardrail_json(*t.guardrail) : json(nullptr)},
             {"verdict", verdict_of(m, t) == Verdict::no_result ? to_string(k.status) : to_string(verdict_of(m, t))}};
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
    metric["cuped"] = m.cuped ? cuped_json(*m.cuped, r.variants) : json(nullptr);
    metrics.push_back(std::move(metric));
  }
  const ExposureCounts& x = c.exposures;
  const EventCounts& e = c.events;
  return json{
      {"experiment", r.experiment},
      {"confidence", r.options.test.confidence},
      {"correction", to_string(r.options.correction)},
      {"correction_scope", to_string(r.options.correction_scope)},
      {"sequential", r.options.sequential_tuning ? json{{"tuning", *r.options.sequential_tuning}} : json(nullptr)},
      {"cuped", r.options.cuped_window_days ? json{{"window_days", *r.options.cuped_window_days}} : json(nullptr)},
      {"data",
       {{"source", c.source},
        {"exposures",
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
          {"covariate", e.covariate},
          {"counted", e.counted}}}}},
      {"variants", std::move(variants)},
      {"srm",
       {{"chi_square", number_or_null(r.srm.chi_square)},
        {"p_value", number_or_null(r.srm.p_value)},
        {"mismatch", r.srm.mismatch},
        {"threshold", k_srm_threshold}}},
      {"metrics", std::move(metrics)},
      {"by_day", c.days.empty() ? json(nullptr) : days_json(c.days)},
      {"guardrail_breaches", c.breaches},
      {"data_problems", c.data_problems},
      {"auto_stopped", c.auto_stopped}};
}

namespace {

// Per day, each treatment's cumulative lift, interval and p-value for one metric.
std::string days_table(const std::vector<DayReport>& days, const std::string& metric, int level) {
  std::vector<std::string> header{"DAY", "ENTITIES"};
  const AnalysisReport& last = days.back().report;
  for (size_t v = 1; v < last.variants.size(); ++v) {
    const std::string prefix = last.variants.size() > 2 ? last.variants[v] + " " : "";
    header.push_back(prefix + "LIFT");
    header.push_back(prefix + fmt::format("{}% CI", level));
    header.push_back(prefix + "P");
  }
  Table table(header);
  for (const DayReport& d : days) {
    int64_t entities = 0;
    for (int64_t n : d.report.entities) entities += n;
    std::vector<std::string> row{d.day, std::to_string(entities)};
    for (const MetricResult& m : d.report.metrics) {
      if (m.metric.key != metric) continue;
      for (const TreatmentResult& t : m.treatments) {
        row.push_back(MetricNumbers::lift(t.comparison.lift));
        row.push_back(MetricNumbers::lift_interval(t.comparison.lift_ci_low, t.comparison.lift_ci_high));
        row.push_back(show_p(t.comparison.p_value));
      }
    }
    row.resize(header.size(), "-");
    table.add_row(row);
  }
  std::ostringstream out;
  out << "over time (cumulative, each day's end):\n";
  table.print(out);
  return out.str();
}

}  // namespace

std::string analysis_table(const AnalysisContext& c) {
  const AnalysisReport& r = c.report;
  const bool color = c.color;
  std::ostringstream out;
  const int level = static_cast<int>(std::round(r.options.test.confidence * 100));
  const std::string intervals =
      r.options.sequential_tuning ? fmt::format("{}% always-valid intervals (sequential, N* = {})", level, *r.options.sequential_tuning)
                                  : fmt::format("{}% intervals", level);
  out << wrapped(fmt::format("experiment {}: {} variants, {}, {} correction over {} metrics", r.experiment,
                             r.variants.size(), intervals, to_string(r.options.correction),
                             r.options.correction_scope == CorrectionScope::all ? "all" : "primary"));
  for (const std::string& p : c.data_problems) out << paint(wrapped("!! NO DATA: " + p), Paint::red, color);
  std::istringstream summary(summary_lines(c) + srm_line(r));
  for (std::string line; std::getline(summary, line);) {
    out << (line.starts_with("!!") ? paint(wrapped(line), Paint::red, color) : wrapped(line));
  }
  for (const MetricResult& m : r.metrics) {
    const MetricNumbers numbers(m);
    out << "\n" << paint(metric_title(m), Paint::bold, color) << "\n";
    Table variants({"VARIANT", "N", "VALUE", fmt::format("{}% CI", level)});
    for (size_t i = 0; i < m.variants.size(); ++i) {
      const VariantEstimate& v = m.variants[i];
      std::string label = r.variants[i];
      if (i == 0 && label != "control") label += " (control)";
      variants.add_row({label, std::to_string(v.n), numbers.value(v.value), numbers.interval(v.ci_low, v.ci_high)});
    }
    variants.print(out);
    if (m.cuped) out << wrapped(cuped_line(*m.cuped, r.options));
    if (m.treatments.empty()) continue;
    Table comparisons({"VS " + r.variants[0], "DIFF", "LIFT", fmt::format("LIFT {}% CI", level), "P", "P ADJ",
                       "P(BEAT)", "VERDICT"});
    comparisons.mark_painted(7);
    for (const TreatmentResult& t : m.treatments) {
      const Comparison& k = t.comparison;
      const Verdict v = verdict_of(m, t);
      std::string word = verdict_word(m, t);
      if (v == Verdict::better) word = paint(word, Paint::green, color);
      else if (v == Verdict::at_risk) word = paint(word, Paint::yellow, color);
      else if (is_bad(v)) word = paint(word, Paint::red, color);
      comparisons.add_row({t.variant, numbers.difference(k.difference), MetricNumbers::lift(k.lift),
                           MetricNumbers::lift_interval(k.lift_ci_low, k.lift_ci_high), show_p(k.p_value),
                           show_p(t.adjusted_p_value), show_probability(t.bayesian.chance_to_beat), word});
    }
    comparisons.print(out);
    if (!c.days.empty()) out << days_table(c.days, m.metric.key, level);
  }
  out << "\n"
      << wrapped(fmt::format("better/worse: significant at {}% in the metric's good/bad direction (primary metrics "
                             "after {} correction); P(BEAT): Bayesian chance to beat {}; every interval and the "
                             "expected loss: --format json or csv",
                             level, to_string(r.options.correction), r.variants[0]));
  for (const std::string& b : c.breaches) out << paint(wrapped("!! " + b), Paint::red, color);
  if (c.auto_stopped) out << "experiment " << r.experiment << " was stopped (--auto-stop)\n";
  return out.str();
}

namespace {

// One CSV row per metric and variant of `r`, with the experiment's sample ratio check on every
// row and `day` ("" for the whole data, else the day whose end the cumulative analysis is at).
void add_csv_rows(Table& table, const AnalysisReport& r, const std::string& day) {
  const std::string srm_p = csv_number(r.srm.p_value);
  const std::string srm_mismatch = r.srm.p_value ? (r.srm.mismatch ? "true" : "false") : "";
  for (const MetricResult& m : r.metrics) {
    for (size_t i = 0; i < m.variants.size(); ++i) {
      const VariantEstimate& v = m.variants[i];
      std::vector<std::string> row{r.experiment, m.metric.key, std::string(to_string(m.metric.type)),
                                   std::string(to_string(m.binding.role)), r.variants[i], std::to_string(v.n),
                                   csv_number(v.value), csv_number(v.se), csv_number(v.ci_low), csv_number(v.ci_high)};
      if (i == 0) {
        row.resize(25);
      } else {
        const TreatmentResult& t = m.treatments[i - 1];
        const Comparison& k = t.comparison;
        const Verdict verdict = verdict_of(m, t);
        row.insert(row.end(), {std::string(to_string(k.status)), csv_number(k.difference), csv_number(k.difference_ci_low),
                               csv_number(k.difference_ci_high), csv_number(k.lift), csv_number(k.lift_ci_low),
                               csv_number(k.lift_ci_high), csv_number(k.p_value), csv_number(t.adjusted_p_value),
                               csv_number(k.z_p_value), t.significant ? "true" : "false",
                               csv_number(t.bayesian.chance_to_beat), csv_number(t.bayesian.expected_loss),
                               t.guardrail ? (t.guardrail->breached ? "true" : "false") : "",
                               verdict == Verdict::no_result ? std::string(to_string(k.status))
                                                              : std::string(to_string(verdict))});
      }
      row.insert(row.end(), {srm_p, srm_mismatch, day});
      table.add_row(std::move(row));
    }
  }
}

// Per day, each treatment's cumulative lift, interval and p-value for one metric, as Markdown.
std::string days_markdown(const std::vector<DayReport>& days, const std::string& metric, int level) {
  const AnalysisReport& last = days.back().report;
  std::string header = "| day | entities |", rule = "|---|---:|";
  for (size_t v = 1; v < last.variants.size(); ++v) {
    const std::string prefix = last.variants.size() > 2 ? last.variants[v] + " " : "";
    header += fmt::format(" {0}lift | {0}lift {1}% CI | {0}p |", prefix, level);
    rule += "---:|---|---:|";
  }
  std::string out = "\nOver time (cumulative, each day's end):\n\n" + header + "\n" + rule + "\n";
  for (const DayReport& d : days) {
    int64_t entities = 0;
    for (int64_t n : d.report.entities) entities += n;
    out += fmt::format("| {} | {} |", d.day, entities);
    size_t cells = 0;
    for (const MetricResult& m : d.report.metrics) {
      if (m.metric.key != metric) continue;
      for (const TreatmentResult& t : m.treatments) {
        out += fmt::format(" {} | {} | {} |", MetricNumbers::lift(t.comparison.lift),
                           MetricNumbers::lift_interval(t.comparison.lift_ci_low, t.comparison.lift_ci_high),
                           show_p(t.comparison.p_value));
        ++cells;
      }
    }
    for (; cells + 1 < last.variants.size(); ++cells) out += " - | - | - |";
    out += "\n";
  }
  return out;
}

}  // namespace

std::string analysis_markdown(const AnalysisContext& c) {
  const AnalysisReport& r = c.report;
  std::ostringstream out;
  const int level = static_cast<int>(std::round(r.options.test.confidence * 100));
  out << "## Experiment `" << r.experiment << "`\n\n";
  if (r.options.sequential_tuning) {
    out << "Sequential testing: " << level << "% always-valid intervals and p-values (N* = " << *r.options.sequential_tuning
        << "), safe to look at as often as you like.\n\n";
  }
  for (const std::string& p : c.data_problems) out << "> 🚨 **No data:** " << p << "\n\n";
  std::istringstream summary(summary_lines(c) + srm_line(r) + "\n");
  for (std::string line; std::getline(summary, line);) {
    if (line.empty()) continue;
    const bool nested = line.starts_with("  ");
    if (nested) line.erase(0, 2);
    out << (nested ? "  - " : "- ") << (line.starts_with("!! ") ? "🚨 **" + line.substr(3) + "**" : line) << "\n";
  }
  for (const MetricResult& m : r.metrics) {
    const MetricNumbers numbers(m);
    out << "\n### " << metric_title(m) << "\n\n";
    out << "| variant | n | value | " << level << "% CI | diff | lift | lift " << level
        << "% CI | p | p adj | P(beat) | verdict |\n|---|---:|---:|---|---:|---:|---|---:|---:|---:|---|\n";
    for (size_t i = 0; i < m.variants.size(); ++i) {
      const VariantEstimate& v = m.variants[i];
      out << "| " << r.variants[i] << (i == 0 && r.variants[i] != "control" ? " (control)" : "") << " | " << v.n
          << " | " << numbers.value(v.value) << " | " << numbers.interval(v.ci_low, v.ci_high) << " | ";
      if (i == 0) {
        out << "| | | | | | |\n";
        continue;
      }
      const TreatmentResult& t = m.treatments[i - 1];
      const Comparison& k = t.comparison;
      out << numbers.difference(k.difference) << " | " << MetricNumbers::lift(k.lift) << " | "
          << MetricNumbers::lift_interval(k.lift_ci_low, k.lift_ci_high) << " | " << show_p(k.p_value) << " | "
          << show_p(t.adjusted_p_value) << " | " << show_probability(t.bayesian.chance_to_beat) << " | "
          << verdict_markdown(m, t) << " |\n";
    }
    if (m.cuped) out << "\n" << cuped_line(*m.cuped, r.options) << ".\n";
    if (!c.days.empty()) out << days_markdown(c.days, m.metric.key, level);
  }
  if (!c.breaches.empty()) {
    out << "\n";
    for (const std::string& b : c.breaches) out << "> 🚨 **" << b << "**\n";
  }
  out << "\n✅ better / ❌ worse: significant at " << level << "% in the metric's good or bad direction ("
      << to_string(r.options.correction) << "-corrected for primary metrics); 🚨 a guardrail breached; ⚠️ a guardrail "
      << "at risk.\n";
  return out.str();
}

std::string analysis_csv(const AnalysisContext& c) {
  Table table({"experiment", "metric", "type", "role", "variant", "n", "value", "se", "ci_low", "ci_high", "status",
               "difference", "difference_ci_low", "difference_ci_high", "lift", "lift_ci_low", "lift_ci_high",
               "p_value", "adjusted_p_value", "z_p_value", "significant", "chance_to_beat", "expected_loss",
               "guardrail_breached", "verdict", "srm_p_value", "srm_mismatch", "day"});
  add_csv_rows(table, c.report, "");
  for (const DayReport& d : c.days) add_csv_rows(table, d.report, d.day);
  std::ostringstream out;
  table.print_csv(out);
  return out.str();
}

}  // namespace expt
