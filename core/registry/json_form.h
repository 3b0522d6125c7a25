#pragma once
// JSON forms of registry records for `--format json` and registry exports: the canonical spec
// (core/spec/json_form.h) plus lifecycle fields. Field names are documented in docs/cli.md.

#include <nlohmann/json.hpp>

#include "core/registry/state.h"

namespace expt {

nlohmann::json to_json(const ExperimentRecord& record);
nlohmann::json to_json(const NamespaceRecord& record);
nlohmann::json to_json(const MetricRecord& record);
nlohmann::json to_json(const AuditEntry& entry);

}  // namespace expt
