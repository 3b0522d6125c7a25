#pragma once
// Renders an analysis for people (aligned tables, Markdown) and machines (JSON with stable
// field names documented in docs/analysis.md, CSV with one row per metric and variant).

#include <string>

#include <nlohmann/json.hpp>

#include "core/analysis/json_form.h"
#include "core/usecase/prepared_analysis.h"

namespace expt {

// What the renderers show: the analysis's result, and how this run treats it.
struct AnalysisContext : AnalysisResult {
  bool auto_stopped = false;  // this run stopped the experiment (--auto-stop)
  bool color = false;         // the table may use ANSI colour
};

nlohmann::json analysis_json(const AnalysisContext& context);
std::string analysis_table(const AnalysisContext& context);
std::string analysis_markdown(const AnalysisContext& context);
std::string analysis_csv(const AnalysisContext& context);

// "CUPED: variance -40.5% (theta 0.6428, 14-day pre-exposure window); values are adjusted"
std::string cuped_line(const CupedSummary& cuped, const AnalysisOptions& options);

}  // namespace expt
