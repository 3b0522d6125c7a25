#include "commands/render/report_time_plot.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "commands/render/analysis_numbers.h"
#include "commands/render/html_text.h"

namespace expt {

namespace {

std::string escape(std::string_view text) { return html_escape(text); }

// Okabe and Ito's palette, one colour per treatment.
constexpr const char* k_colours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"};

struct Point {
  size_t day = 0;
  double lift = 0, low = 0, high = 0;
};

}  // namespace

std::string lift_over_time_plot(const std::string& metric, const std::vector<DayReport>& days, const std::string& level,
                                bool sequential) {
  // Per treatment, the days with a lift and an interval.
  std::vector<std::string> treatments;
  std::vector<std::vector<Point>> series;
  for (size_t d = 0; d < days.size(); ++d) {
    for (const MetricResult& m : days[d].report.metrics) {
      if (m.metric.key != metric) continue;
      for (size_t t = 0; t < m.treatments.size(); ++t) {
        if (series.size() <= t) {
          series.resize(t + 1);
          treatments.push_back(m.treatments[t].variant);
        }
        const Comparison& c = m.treatments[t].comparison;
        if (c.lift && c.lift_ci_low && c.lift_ci_high) series[t].push_back(Point{d, *c.lift, *c.lift_ci_low, *c.lift_ci_high});
      }
    }
  }
  // The axis: zero, and the later half of the days (the early days' intervals would flatten the rest).
  double low = 0, high = 0;
  for (const auto& points : series) {
    for (const Point& p : points) {
      if (p.day * 2 < days.size() && days.size() > 2) continue;
      low = std::min({low, p.low, p.lift});
      high = std::max({high, p.high, p.lift});
    }
  }
  if (high - low < 1e-9) high = low + 0.01;
  const double pad = (high - low) * 0.08;
  low -= pad;
  high += pad;
  const double left = 70, top = 30, width = 560, height = 220;
  const double step = days.size() > 1 ? width / static_cast<double>(days.size() - 1) : 0;
  auto x = [&](size_t day) { return left + step * static_cast<double>(day); };
  // Values beyond the axis are drawn at its edge (the page stays free of url() references a
  // clip path would need; the data-* attributes keep the true values).
  auto y = [&](double v) { return top + (high - std::clamp(v, low, high)) / (high - low) * height; };
  const std::string id = escape(metric);

  std::string desc = fmt::format("Cumulative relative lift at the end of each day from {} to {}. ", days.front().day, days.back().day);
  for (size_t t = 0; t < series.size(); ++t) {
    if (series[t].empty()) continue;
    const Point& last = series[t].back();
    desc += fmt::format("{}: {} on the last day ({} {}interval {} to {}). ", treatments[t], MetricNumbers::lift(last.lift), level,
                        sequential ? "always-valid " : "", MetricNumbers::lift(last.low), MetricNumbers::lift(last.high));
  }
  std::string svg = fmt::format(
      "<svg class=\"over-time\" role=\"img\" aria-labelledby=\"time-title-{0} time-desc-{0}\" width=\"720\" height=\"{1}\" "
      "viewBox=\"0 0 720 {1}\" xmlns=\"http://www.w3.org/2000/svg\">\n"
      "<title id=\"time-title-{0}\">{0}: cumulative lift over time with {2} {3}intervals</title>\n"
      "<desc id=\"time-desc-{0}\">{4}</desc>\n",
      id, top + height + 40, level, sequential ? "always-valid " : "", escape(desc));
  // Axes: zero, the axis ends, the first and last day.
  svg += fmt::format("<line class=\"zero\" x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\" stroke=\"#999\"/>\n", left, y(0), left + width);
  for (double tick : {low, 0.0, high}) {
    if (tick == 0.0 && (std::abs(y(0) - y(low)) < 14 || std::abs(y(0) - y(high)) < 14)) continue;  // no overlap
    svg += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", left - 6, y(tick) + 4,
                       escape(MetricNumbers::lift(tick)));
  }
  svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"start\">{}</text>\n", left, top + height + 18, escape(days.front().day));
  svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", left + width, top + height + 18, escape(days.back().day));
  for (size_t t = 0; t < series.size(); ++t) {
    const std::vector<Point>& points = series[t];
    const char* colour = k_colours[t % std::size(k_colours)];
    svg += fmt::format("<g class=\"treatment\" data-variant=\"{}\">\n", escape(treatments[t]));
    if (!points.empty()) {
      std::string band, line;
      for (const Point& p : points) band += fmt::format("{:.1f},{:.1f} ", x(p.day), y(p.high));
      for (auto it = points.rbegin(); it != points.rend(); ++it) band += fmt::format("{:.1f},{:.1f} ", x(it->day), y(it->low));
      for (const Point& p : points) line += fmt::format("{:.1f},{:.1f} ", x(p.day), y(p.lift));
      band.pop_back();
      line.pop_back();
      svg += fmt::format("<polygon class=\"band\" points=\"{}\" fill=\"{}\" fill-opacity=\"0.18\"/>\n", band, colour);
      svg += fmt::format("<polyline class=\"lift\" points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>\n", line, colour);
      for (const Point& p : points) {
        svg += fmt::format("<circle class=\"day\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2.5\" fill=\"{}\" data-day=\"{}\" data-lift=\"{:.17g}\" "
                           "data-ci-low=\"{:.17g}\" data-ci-high=\"{:.17g}\"/>\n",
                           x(p.day), y(p.lift), colour, days[p.day].day, p.lift, p.low, p.high);
      }
    }
    svg += "</g>\n";
    svg += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"{}\">{}</text>\n", left + 10 + 120 * static_cast<double>(t), top - 12, colour,
                       escape(treatments[t]));
  }
  return fmt::format("<p class=\"muted\">Lift over time: cumulative, at the end of each day, with its {} {}interval as a band.</p>\n",
                     level, sequential ? "always-valid " : "") +
         svg + "</svg>\n";
}

}  // namespace expt
