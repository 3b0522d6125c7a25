#pragma once
// What `expt analyze --record` keeps in the registry (core/registry/state.h AnalysisRecord): the
// per-variant sufficient statistics as aggregate rows, which `analyze --aggregates` reads back,
// the report's key numbers, the data's time range, where the data came from (files with their
// xxh128 hashes), and the bundle version.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands/analyze.h"
#include "core/registry/state.h"
#include "core/warehouse/aggregate_rows.h"

namespace expt {

AnalysisRecord make_analysis_record(const PreparedAnalysis& prepared, const AnalyzeOptions& options, const AuditStamp& stamp);

// The analysis's sufficient statistics as aggregate rows (docs/warehouse.md). Percentile metrics
// analysed from raw events keep their estimate and interval, as a warehouse would compute them.
std::vector<AggregateRow> recorded_rows(const PreparedAnalysis& prepared);

// The inputs: the report's data.source, with each file's xxh128 hash.
nlohmann::json input_hashes(const AnalyzeOptions& options, const nlohmann::json& source);

}  // namespace expt
