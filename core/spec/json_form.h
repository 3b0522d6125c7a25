#pragma once
// The canonical JSON form of each spec: the same fields as the YAML schema (docs/specs.md),
// without source locations. Two specs define the same thing exactly when their canonical JSON
// is equal, which is how `expt create` tells "unchanged" from "updated".

#include <nlohmann/json.hpp>

#include "core/base/error.h"
#include "core/spec/spec.h"

namespace expt {

nlohmann::json to_json(const NamespaceSpec& spec);
nlohmann::json to_json(const MetricSpec& spec);
nlohmann::json to_json(const ExperimentSpec& spec);
nlohmann::json to_json(const GlobalHoldoutSpec& spec);
nlohmann::json to_json(const TrafficRequest& traffic);
nlohmann::json to_json(const PlanSpec& plan);
nlohmann::json to_json(const MetricBinding& binding);
nlohmann::json to_json(const AnalysisSpec& analysis);

// Readers for the JSON columns the registry stores; an Error when the JSON is not of the form
// the writers above produce.
Result<TrafficRequest> traffic_from_json(const nlohmann::json& json);
Result<PlanSpec> plan_from_json(const nlohmann::json& json);
Result<AnalysisSpec> analysis_from_json(const nlohmann::json& json);

// "percent 12.5" as the 1250 basis points it stands for (two decimals at most), or nullopt.
std::optional<uint32_t> percent_to_bps(double percent);

}  // namespace expt
