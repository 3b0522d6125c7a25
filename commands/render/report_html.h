#pragma once
// One self-contained HTML file for an analysis (`expt report`): inline CSS and SVG, no script and
// nothing fetched, readable offline and printable (one A4 page per metric). It shows the summary
// (status, dates, entities, the sample ratio check, guardrails), per metric a forest plot of each
// treatment's relative lift with its interval on a shared axis and the per-variant values, the
// data summary, and provenance. Every number the page shows also sits, at full precision, in a
// data-value attribute, so a test can compare the page with `analyze --format json`.

#include <optional>
#include <string>
#include <vector>

#include "commands/render/analysis_render.h"
#include "core/registry/state.h"

namespace expt {

struct ReportProvenance {
  std::string expt_version;
  std::string command_line;
  std::vector<std::pair<std::string, std::string>> inputs;  // name -> xxh128 of its bytes (or a description)
  std::optional<BundleInfo> bundle;                         // the newest published bundle
  std::string generated_at;                                 // ISO-8601 UTC
};

std::string analysis_html(const AnalysisContext& context, const ExperimentRecord& experiment,
                          const ReportProvenance& provenance);

}  // namespace expt
