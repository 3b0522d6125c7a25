#include "commands/render/report_html.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "commands/render/analysis_numbers.h"
#include "commands/render/html_text.h"
#include "commands/render/report_time_plot.h"
#include "core/analysis/finding_text.h"

namespace expt {

namespace {

std::string escape(std::string_view text) { return html_escape(text); }

// The full-precision number behind a shown one ("" when absent), for tests and scripts.
std::string data(const std::optional<double>& v) { return v ? fmt::format("{:.17g}", *v) : ""; }

// Okabe and Ito's colour-blind-safe palette: blue for a win, vermillion for a harm.
const char* colour_of(Verdict v) {
  switch (v) {
    case Verdict::better: return "#0072B2";
    case Verdict::worse:
    case Verdict::breach: return "#D55E00";
    case Verdict::at_risk: return "#E69F00";
    default: return "#555555";
  }
}

constexpr const char* k_style = R"(
body { font: 15px/1.45 system-ui, sans-serif; color: #1a1a1a; max-width: 56rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; } th, td { padding: 0.2rem 0.7rem; text-align: right; }
th:first-child, td:first-child { text-align: left; } thead th { border-bottom: 1px solid #999; }
.problem { color: #D55E00; font-weight: bold; } table.summary td, table.provenance td { text-align: left; } .ok { color: #0072B2; } .muted { color: #666; font-size: 0.9em; }
svg.forest text, svg.over-time text { font: 12px system-ui, sans-serif; fill: #1a1a1a; }
code { font-size: 0.95em; }
@media print { body { margin: 0; max-width: none; } section.metric { break-before: page; } }
)";

struct Axis {
  double low = -0.1, high = 0.1;
  double x(double v, double left, double width) const { return left + (v - low) / (high - low) * width; }
};

// A forest plot of each treatment's lift (or difference, when the control is 0) with its
// interval, on an axis shared by the metric's treatments, with zero and a guardrail's tolerance.
std::string forest_plot(const MetricResult& m, const std::string& level, bool sequential) {
  bool use_lift = true;
  for (const TreatmentResult& t : m.treatments) use_lift = use_lift && t.comparison.lift && t.comparison.lift_ci_low;
  auto estimate = [&](const TreatmentResult& t) { return use_lift ? t.comparison.lift : t.comparison.difference; };
  auto low = [&](const TreatmentResult& t) { return use_lift ? t.comparison.lift_ci_low : t.comparison.difference_ci_low; };
  auto high = [&](const TreatmentResult& t) { return use_lift ? t.comparison.lift_ci_high : t.comparison.difference_ci_high; };
  Axis axis{0, 0};
  std::optional<double> tolerance;
  if (m.binding.threshold && use_lift && m.binding.threshold_type == ThresholdType::relative) {
    tolerance = m.good == Direction::increase ? -*m.binding.threshold : *m.binding.threshold;
  }
  for (const TreatmentResult& t : m.treatments) {
    for (const auto& v : {estimate(t), low(t), high(t)}) {
      if (v) axis = {std::min(axis.low, *v), std::max(axis.high, *v)};
    }
  }
  if (tolerance) axis = {std::min(axis.low, *tolerance), std::max(axis.high, *tolerance)};
  const double pad = std::max((axis.high - axis.low) * 0.08, 1e-9);
  axis = {axis.low - pad, axis.high + pad};
  const double left = 110, width = 360, row = 34, top = 24;
  const double height = top + row * static_cast<double>(m.treatments.size()) + 30;
  auto label = [&](double v) { return use_lift ? MetricNumbers::lift(v) : MetricNumbers(m).difference(v); };
  const std::string what = use_lift ? "relative lift" : "difference";

  std::string desc;
  for (const TreatmentResult& t : m.treatments) {
    desc += fmt::format("{}: {} {} ({} {}interval {} to {}), {}. ", t.variant, what, estimate(t) ? label(*estimate(t)) : "none",
                        level, sequential ? "always-valid " : "", low(t) ? label(*low(t)) : "-", high(t) ? label(*high(t)) : "-",
                        to_string(verdict_of(m, t)));
  }
  std::string svg = fmt::format(
      "<svg class=\"forest\" role=\"img\" aria-labelledby=\"plot-title-{0} plot-desc-{0}\" width=\"720\" height=\"{1}\" "
      "viewBox=\"0 0 720 {1}\" xmlns=\"http://www.w3.org/2000/svg\">\n"
      "<title id=\"plot-title-{0}\">{2}: {3} of each treatment against control, with {4} {5}intervals</title>\n"
      "<desc id=\"plot-desc-{0}\">{6}</desc>\n",
      escape(m.metric.key), height, escape(m.metric.key), what, level, sequential ? "always-valid " : "", escape(desc));
  const double bottom = height - 22;
  // Zero, the axis ends, and the guardrail's tolerated degradation.
  svg += fmt::format("<line class=\"zero\" x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#999\"/>\n",
                     axis.x(0, left, width), top - 10, bottom);
  svg += fmt::format("<line class=\"axis\" x1=\"{0}\" y1=\"{2:.1f}\" x2=\"{1}\" y2=\"{2:.1f}\" stroke=\"#999\"/>\n", left,
                     left + width, bottom);
  const double zero_x = axis.x(0, left, width);
  for (double tick : {axis.low, 0.0, axis.high}) {
    // The ends' labels only where they do not run into zero's.
    if (tick != 0.0 && std::abs(axis.x(tick, left, width) - zero_x) < 50) continue;
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", axis.x(tick, left, width), bottom + 15,
                       escape(label(tick)));
  }
  if (tolerance) {
    svg += fmt::format(
        "<line class=\"tolerance\" x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#E69F00\" "
        "stroke-dasharray=\"4 3\"/>\n<text x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">tolerated</text>\n",
        axis.x(*tolerance, left, width), top - 10, bottom, top - 12);
  }
  for (size_t i = 0; i < m.treatments.size(); ++i) {
    const TreatmentResult& t = m.treatments[i];
    const double y = top + row * (static_cast<double>(i) + 0.5);
    const char* colour = colour_of(verdict_of(m, t));
    svg += fmt::format("<g class=\"comparison\" data-variant=\"{}\" data-estimate=\"{}\" data-ci-low=\"{}\" data-ci-high=\"{}\">\n",
                       escape(t.variant), data(estimate(t)), data(low(t)), data(high(t)));
    svg += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", left - 10, y + 4, escape(t.variant));
    if (low(t) && high(t)) {
      svg += fmt::format("<line class=\"interval\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" stroke-width=\"3\"/>\n",
                         axis.x(*low(t), left, width), y, axis.x(*high(t), left, width), y, colour);
    }
    if (estimate(t)) {
      svg += fmt::format("<circle class=\"estimate\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"5\" fill=\"{}\"/>\n", axis.x(*estimate(t), left, width),
                         y, colour);
      svg += fmt::format("<text x=\"{}\" y=\"{:.1f}\">{} {}</text>\n", left + width + 10, y + 4, escape(label(*estimate(t))),
                         low(t) && high(t) ? escape("[" + label(*low(t)) + ", " + label(*high(t)) + "]") : "");
    }
    svg += "</g>\n";
  }
  return svg + "</svg>\n";
}

std::string metric_section(const MetricResult& m, const AnalysisReport& r, const std::vector<DayReport>& days,
                           const std::string& level, bool sequential) {
  const MetricNumbers numbers(m);
  std::string html = fmt::format("<section class=\"metric\" id=\"metric-{0}\" data-metric=\"{0}\">\n<h2>{0} <span class=\"muted\">({1}, {2}, {3} is good)</span></h2>\n",
                                 escape(m.metric.key), to_string(m.metric.type), to_string(m.binding.role),
                                 m.good == Direction::increase ? "increase" : "decrease");
  html += forest_plot(m, level, sequential);
  if (!days.empty() && !m.treatments.empty()) html += lift_over_time_plot(m.metric.key, days, level, sequential);
  if (m.cuped) {
    // The adjusted values are what the plot and tables show; the reader must know.
    html += fmt::format("<p class=\"cuped\" data-theta=\"{}\" data-variance-reduction=\"{}\">{}</p>\n", m.cuped->theta,
                        data(m.cuped->variance_reduction), escape(cuped_line(*m.cuped, r.options)));
  }
  html += fmt::format("<table class=\"variants\">\n<thead><tr><th>variant</th><th>entities</th><th>value</th><th>{} interval</th></tr></thead>\n<tbody>\n", level);
  for (size_t i = 0; i < m.variants.size(); ++i) {
    const VariantEstimate& v = m.variants[i];
    html += fmt::format(
        "<tr data-variant=\"{0}\"><td>{0}</td><td data-value=\"{1}\">{1}</td><td data-value=\"{2}\">{3}</td>"
        "<td data-low=\"{4}\" data-high=\"{5}\">{6}</td></tr>\n",
        escape(r.variants[i]), v.n, data(v.value), escape(numbers.value(v.value)), data(v.ci_low), data(v.ci_high),
        escape(numbers.interval(v.ci_low, v.ci_high)));
  }
  html += "</tbody></table>\n<table class=\"comparisons\">\n<thead><tr><th>vs control</th><th>difference</th><th>lift</th>"
          "<th>lift interval</th><th>p</th><th>adjusted p</th><th>chance to beat</th><th>verdict</th></tr></thead>\n<tbody>\n";
  for (const TreatmentResult& t : m.treatments) {
    const Comparison& c = t.comparison;
    const Verdict verdict = verdict_of(m, t);
    html += fmt::format(
        "<tr data-variant=\"{0}\"><td>{0}</td><td data-value=\"{1}\">{2}</td><td data-value=\"{3}\">{4}</td>"
        "<td data-low=\"{5}\" data-high=\"{6}\">{7}</td><td data-value=\"{8}\">{9}</td><td data-value=\"{10}\">{11}</td>"
        "<td data-value=\"{12}\">{13}</td><td style=\"color: {14}\">{15}</td></tr>\n",
        escape(t.variant), data(c.difference), escape(numbers.difference(c.difference)), data(c.lift),
        escape(MetricNumbers::lift(c.lift)), data(c.lift_ci_low), data(c.lift_ci_high),
        escape(MetricNumbers::lift_interval(c.lift_ci_low, c.lift_ci_high)), data(c.p_value), escape(show_p(c.p_value)),
        data(t.adjusted_p_value), escape(show_p(t.adjusted_p_value)), data(t.bayesian.chance_to_beat),
        escape(show_probability(t.bayesian.chance_to_beat)), colour_of(verdict),
        verdict == Verdict::no_result ? to_string(c.status) : to_string(verdict));
  }
  return html + "</tbody></table>\n</section>\n";
}

}  // namespace

std::string analysis_html(const AnalysisContext& c, const ExperimentRecord& experiment, const ReportProvenance& p) {
  const AnalysisReport& r = c.report;
  const bool sequential = r.options.sequential_tuning.has_value();
  const std::string level = fmt::format("{:g}%", r.options.test.confidence * 100);
  std::string html = fmt::format(
      "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>expt report: {0}</title>\n<style>{1}</style>\n"
      "</head>\n<body>\n<h1>Experiment <code>{0}</code></h1>\n",
      escape(r.experiment), k_style);
  // Summary.
  html += "<section id=\"summary\">\n<h2>Summary</h2>\n<table class=\"summary\">\n";
  auto row = [&html](std::string_view name, const std::string& value) {
    html += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", name, value);
  };
  row("status", escape(std::string(to_string(experiment.status))));
  row("namespace", "<code>" + escape(experiment.spec.namespace_key) + "</code>");
  row("started", escape(experiment.started_at.empty() ? "not started" : experiment.started_at));
  if (!experiment.stopped_at.empty()) row("stopped", escape(experiment.stopped_at));
  row("analysis", fmt::format("{} {}intervals, {} correction over {} metrics", level, sequential ? "always-valid (sequential) " : "",
                              to_string(r.options.correction), r.options.correction_scope == CorrectionScope::all ? "all" : "primary"));
  html += "</table>\n<table class=\"entities\">\n<thead><tr><th>variant</th><th>weight</th><th>entities</th><th>expected</th></tr></thead>\n<tbody>\n";
  for (size_t i = 0; i < r.variants.size(); ++i) {
    html += fmt::format("<tr data-variant=\"{0}\"><td>{0}</td><td>{1:g}%</td><td data-value=\"{2}\">{2}</td><td>{3}</td></tr>\n",
                        escape(r.variants[i]), r.weights[i] / 100.0, r.entities[i],
                        i < r.srm.expected.size() ? fmt::format("{:.1f}", r.srm.expected[i]) : "");
  }
  html += "</tbody></table>\n";
  html += fmt::format("<p class=\"{}\" data-srm-p=\"{}\">Sample ratio check: {}</p>\n", r.srm.mismatch ? "problem" : "ok",
                      data(r.srm.p_value),
                      r.srm.mismatch ? fmt::format("mismatch, p = {:.3g} &lt; {}: {}", r.srm.p_value.value_or(0),
                                                   k_srm_threshold_text, k_srm_consequence)
                                     : fmt::format("no mismatch (p = {})", r.srm.p_value ? fmt::format("{:.4f}", *r.srm.p_value) : "-"));
  for (const std::string& b : c.breaches) html += "<p class=\"problem breach\">Guardrail breach: " + escape(b) + "</p>\n";
  if (c.breaches.empty()) html += "<p class=\"ok\">No guardrail breached.</p>\n";
  for (const std::string& problem : c.data_problems) html += "<p class=\"problem\">No data: " + escape(problem) + "</p>\n";
  if (c.auto_stopped) html += "<p class=\"problem\">The experiment was stopped (auto-stop).</p>\n";
  html += "</section>\n";
  for (const MetricResult& m : r.metrics) html += metric_section(m, r, c.days, level, sequential);
  // Data summary.
  const ExposureCounts& x = c.exposures;
  const EventCounts& e = c.events;
  html += "<section id=\"data\">\n<h2>Data</h2>\n<table class=\"data\">\n";
  const std::pair<const char*, int64_t> counts[] = {
      {"exposure rows", x.rows},          {"for other experiments", x.other_experiments},
      {"repeated exposures", x.repeated}, {"entities in two variants (excluded)", x.conflicting_entities},
      {"variants recomputed by hashing", x.recomputed}, {"event rows", e.rows},
      {"events of other types", e.other_event_types}, {"events of unexposed entities", e.unexposed},
      {"duplicate events", e.duplicates}, {"events before exposure", e.before_exposure},
      {"events counted", e.counted},      {"malformed rows skipped", x.bad_rows + e.bad_rows}};
  for (const auto& [name, n] : counts) html += fmt::format("<tr><th>{}</th><td data-value=\"{}\">{}</td></tr>\n", name, n, n);
  html += "</table>\n</section>\n";
  // Provenance.
  html += "<section id=\"provenance\">\n<h2>Provenance</h2>\n<table class=\"provenance\">\n";
  row("expt", escape(p.expt_version));
  row("generated", escape(p.generated_at));
  row("command", "<code>" + escape(p.command_line) + "</code>");
  for (const auto& [name, hash] : p.inputs) row("input", "<code>" + escape(name) + "</code> " + escape(hash));
  row("bundle", p.bundle ? fmt::format("version {} ({})", p.bundle->version, escape(p.bundle->content_hash)) : "none published");
  return html + "</table>\n</section>\n</body>\n</html>\n";
}

}  // namespace expt
