#pragma once
// The report's lift-over-time plot (`expt report ... --by day`): per treatment, the cumulative
// relative lift at each day's end as a line, with its interval as a band, on one axis. The first
// days' intervals are very wide; the axis fits the later half of the days, and what lies beyond
// it is drawn at its edge (the data-* attributes keep every value). Inline SVG with a text
// alternative.

#include <string>
#include <vector>

#include "commands/render/analysis_render.h"

namespace expt {

std::string lift_over_time_plot(const std::string& metric, const std::vector<DayReport>& days, const std::string& level,
                                bool sequential);

}  // namespace expt
