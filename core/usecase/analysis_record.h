#pragma once
// What `expt analyze --record` keeps in the registry (core/registry/state.h AnalysisRecord): the
// per-variant sufficient statistics as aggregate rows, which `analyze --aggregates` reads back,
// the report's key numbers, the data's time range, where the data came from (files with their
// xxh128 hashes), and the bundle version.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/registry/registry.h"
#include "core/registry/state.h"
#include "core/usecase/prepared_analysis.h"
#include "core/warehouse/aggregate_rows.h"

namespace expt {

AnalysisRecord make_analysis_record(const PreparedAnalysis& prepared, const AuditStamp& stamp);

// The analysis's sufficient statistics as aggregate rows (docs/warehouse.md). Percentile metrics
// analysed from raw events keep their estimate and interval, as a warehouse would compute them.
std::vector<AggregateRow> recorded_rows(const PreparedAnalysis& prepared);

// The inputs: the report's data.source, with each file's content hash (null for stdin or a file
// that cannot be read).
nlohmann::json input_hashes(const std::vector<std::string>& files, const nlohmann::json& source);

// After an analysis, in one transaction (both or neither): with `stop`, the experiment stopped
// for its first guardrail breach (audited as an auto-stop); with `record`, the analysis kept in
// the registry. Errors: the registry's, or the stop's (the experiment changed meanwhile).
Result<void> commit_analysis_outcome(Registry& registry, const PreparedAnalysis& prepared, bool stop, bool record,
                                     const AuditStamp& stamp);

}  // namespace expt
