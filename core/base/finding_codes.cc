#include "core/base/finding_codes.h"

#include <array>

namespace expt {

namespace {
constexpr std::array<FindingCode, 26> k_codes{{
    {code::yaml_syntax, "yaml-syntax", "The file is not well-formed YAML."},
    {code::wrong_shape, "wrong-shape", "A document or field has the wrong shape (a map, list or scalar was expected)."},
    {code::unknown_kind, "unknown-kind", "A document has no `kind`, or one that is not namespace, metric, experiment or global_holdout."},
    {code::unknown_field, "unknown-field", "A field is not part of the schema (typos must not pass silently)."},
    {code::missing_field, "missing-field", "A required field is absent."},
    {code::invalid_value, "invalid-value", "A value has the wrong type or is out of range."},
    {code::invalid_key, "invalid-key", "A key does not match [a-z0-9][a-z0-9._-]{0,127}."},
    {code::duplicate_field, "duplicate-field", "The same field is written twice in one map."},
    {code::duplicate_key, "duplicate-key", "Two documents of the same kind share a key."},
    {code::unknown_namespace, "unknown-namespace", "An experiment names a namespace that is neither in the specs nor in the registry."},
    {code::unknown_metric, "unknown-metric", "An experiment binds a metric that is neither in the specs nor in the registry."},
    {code::duplicate_global_holdout, "duplicate-global-holdout", "More than one global_holdout document."},
    {code::allocation_sum, "allocation-sum", "Variant allocations of an ab or multivariate experiment do not sum to 1."},
    {code::duplicate_variant, "duplicate-variant", "Two variants of one experiment share a key."},
    {code::variant_count, "variant-count", "Wrong number of variants for the type: ab has 2, multivariate 3 or more, rollout exactly 1, holdout none."},
    {code::guardrail_threshold, "guardrail-threshold", "A guardrail metric has no threshold."},
    {code::plan_metric, "plan-metric", "The plan names a metric that is not bound as primary, or whose type the plan cannot size."},
    {code::duplicate_binding, "duplicate-binding", "An experiment binds the same metric twice."},
    {code::cuped_metric, "cuped-metric", "`cuped: true` on a ratio or percentile metric; CUPED adjusts mean and conversion metrics."},
    {code::slot_overlap, "slot-overlap", "Explicit slot ranges of two experiments in one namespace overlap."},
    {code::namespace_oversubscribed, "namespace-oversubscribed", "Experiments request more slots than their namespace has."},
    {code::slots_fragmented, "slots-fragmented", "Enough slots are free in total, but no contiguous run is large enough."},
    {code::range_out_of_bounds, "range-out-of-bounds", "An explicit range lies outside the namespace's slots."},
    {code::percent_not_whole, "percent-not-whole", "A traffic percent does not give a whole number of slots."},
    {code::no_primary_metric, "no-primary-metric", "An ab or multivariate experiment binds no primary metric."},
    {code::threshold_ignored, "threshold-ignored", "A threshold is set on a metric that is not a guardrail, so it has no effect."},
}};
}  // namespace

std::span<const FindingCode> all_finding_codes() { return k_codes; }

const FindingCode* find_finding_code(std::string_view code) {
  for (const FindingCode& entry : k_codes) {
    if (entry.code == code) return &entry;
  }
  return nullptr;
}

}  // namespace expt
