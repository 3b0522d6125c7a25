#include "core/check/spec_validator.h"

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/base/edit_distance.h"
#include "core/base/finding_codes.h"
#include "core/spec/json_form.h"

namespace expt {

namespace {

std::string where(const SourceLocation& loc) {
  if (loc.line == 0) return loc.file;
  return fmt::format("{}:{}:{}", loc.file, loc.line, loc.column);
}

Error finding(std::string_view code, const SourceLocation& loc, std::string field, std::string message,
              Severity severity = Severity::error) {
  Error e = Error::invalid(std::move(message), loc, std::move(field), std::string(code));
  e.severity = severity;
  return e;
}

// The namespaces and metrics a set of specs can refer to: its own, then the registry's.
struct Catalog {
  std::map<std::string, const NamespaceSpec*, std::less<>> namespaces;
  std::map<std::string, const MetricSpec*, std::less<>> metrics;

  Catalog(const SpecSet& specs, const RegistryState& existing) {
    for (const NamespaceRecord& r : existing.namespaces) namespaces[r.spec.key] = &r.spec;
    for (const MetricRecord& r : existing.metrics) metrics[r.spec.key] = &r.spec;
    for (const NamespaceSpec& n : specs.namespaces) namespaces[n.key] = &n;
    for (const MetricSpec& m : specs.metrics) metrics[m.key] = &m;
  }

  template <typename Map>
  static std::vector<std::string_view> keys(const Map& map) {
    std::vector<std::string_view> out;
    for (const auto& [k, v] : map) out.push_back(k);
    return out;
  }
};

// The fields of `spec` that differ from `other`'s, where a text field (description, a metric's
// name) one of them leaves out is no difference: that is how `expt create` reads a file that
// only refers to a shared definition (core/plan/spec_sync.h).
template <typename Spec>
std::vector<std::string> differing_fields(const Spec& spec, const Spec& other) {
  nlohmann::json a = to_json(spec), b = to_json(other);
  for (const char* text : {"description", "name"}) {
    if (!spec.fields.contains(text) || !other.fields.contains(text)) {
      a.erase(text);
      b.erase(text);
    }
  }
  std::vector<std::string> fields;
  for (const auto& [name, value] : a.items()) {
    if (b.value(name, nlohmann::json()) != value) fields.push_back(name);
  }
  for (const auto& [name, value] : b.items()) {
    if (!a.contains(name)) fields.push_back(name);
  }
  return fields;
}

// A key given twice is one definition written twice (a shared metric in each file that uses it),
// or a conflict: E010 names the fields that differ.
template <typename Spec>
void check_duplicates(const std::vector<Spec>& specs, std::string_view kind, std::vector<Error>& out) {
  std::map<std::string, const Spec*, std::less<>> first;
  for (const Spec& s : specs) {
    auto [it, inserted] = first.emplace(s.key, &s);
    if (inserted) continue;
    const std::vector<std::string> differ = differing_fields(s, *it->second);
    if (differ.empty()) continue;
    out.push_back(finding(code::duplicate_key, field_location(s.fields, "key", s.location), "key",
                          fmt::format("{} '{}' is defined again with another {}; first defined at {}", kind, s.key,
                                      fmt::format("{}", fmt::join(differ, ", ")),
                                      where(field_location(it->second->fields, "key", it->second->location)))));
  }
}

void check_references(const ExperimentSpec& e, const Catalog& catalog, std::vector<Error>& out) {
  if (!catalog.namespaces.contains(e.namespace_key)) {
    out.push_back(finding(code::unknown_namespace, field_location(e.fields, "namespace", e.location), "namespace",
                          fmt::format("experiment '{}' names unknown namespace '{}'{}", e.key, e.namespace_key,
                                      did_you_mean(e.namespace_key, Catalog::keys(catalog.namespaces)))));
  }
  for (size_t i = 0; i < e.metrics.size(); ++i) {
    const MetricBinding& b = e.metrics[i];
    auto metric = catalog.metrics.find(b.metric);
    if (metric == catalog.metrics.end()) {
      out.push_back(finding(code::unknown_metric, b.location, fmt::format("metrics[{}].metric", i),
                            fmt::format("experiment '{}' binds unknown metric '{}'{}", e.key, b.metric,
                                        did_you_mean(b.metric, Catalog::keys(catalog.metrics)))));
    } else if (b.cuped && (metric->second->type == MetricType::ratio || metric->second->type == MetricType::percentile)) {
      out.push_back(finding(code::cuped_metric, b.location, fmt::format("metrics[{}].cuped", i),
                            fmt::format("cuped on {} metric '{}' is not supported; CUPED adjusts mean and conversion metrics",
                                        to_string(metric->second->type), b.metric)));
    }
    if (b.threshold && b.role != MetricRole::guardrail) {
      out.push_back(finding(code::threshold_ignored, b.location, fmt::format("metrics[{}].threshold", i),
                            fmt::format("threshold on {} metric '{}' has no effect; only guardrails use thresholds",
                                        to_string(b.role), b.metric),
                            Severity::warning));
    }
  }
  bool has_primary = std::any_of(e.metrics.begin(), e.metrics.end(),
                                 [](const MetricBinding& b) { return b.role == MetricRole::primary; });
  if (!has_primary && (e.type == ExperimentType::ab || e.type == ExperimentType::multivariate)) {
    out.push_back(finding(code::no_primary_metric, e.location, "metrics",
                          fmt::format("experiment '{}' binds no primary metric, so it has no success criterion",
                                      e.key),
                          Severity::warning));
  }
}

void check_plan(const ExperimentSpec& e, const Catalog& catalog, std::vector<Error>& out) {
  if (!e.plan) return;
  auto it = catalog.metrics.find(e.plan->metric);
  if (it == catalog.metrics.end()) return;  // reported as unknown-metric on the binding
  const MetricSpec& m = *it->second;
  const SourceLocation& at = e.plan->location;
  if (m.type != MetricType::conversion && m.type != MetricType::mean) {
    out.push_back(finding(code::plan_metric, at, "plan.metric",
                          fmt::format("plan metric '{}' is a {} metric; plans size conversion and mean metrics",
                                      m.key, to_string(m.type))));
  } else if (m.type == MetricType::conversion && e.plan->baseline >= 1) {
    out.push_back(finding(code::plan_metric, at, "plan.baseline",
                          fmt::format("plan baseline {} is not a conversion rate in (0, 1)", e.plan->baseline)));
  } else if (m.type == MetricType::mean && !e.plan->std_dev) {
    out.push_back(finding(code::plan_metric, at, "plan.std_dev",
                          fmt::format("plan for mean metric '{}' needs std_dev (the metric's standard deviation)",
                                      m.key)));
  }
}

// Slot requests against their namespace, each other, and the registry's claims.
void check_slots(const SpecSet& specs, const RegistryState& existing, const Catalog& catalog,
                 std::vector<Error>& out) {
  std::map<std::string, std::vector<const ExperimentSpec*>, std::less<>> explicit_by_namespace;
  for (const ExperimentSpec& e : specs.experiments) {
    auto ns = catalog.namespaces.find(e.namespace_key);
    if (ns == catalog.namespaces.end()) continue;
    const uint32_t total = ns->second->total_slots;
    const SourceLocation& at = field_location(e.fields, "traffic", e.location);
    auto count = requested_slot_count(e.traffic, total);
    if (!count) {
      out.push_back(finding(code::percent_not_whole, at, "traffic.percent",
                            fmt::format("{}% of namespace '{}' ({} slots) is {} slots; use a percent that gives "
                                        "whole slots, or `slots:`",
                                        e.traffic.percent, e.namespace_key, total, e.traffic.percent * total / 100)));
      continue;
    }
    if (e.traffic.kind == TrafficRequest::Kind::range) {
      if (e.traffic.range.end >= total) {
        out.push_back(finding(code::range_out_of_bounds, at, "traffic.range",
                              fmt::format("range [{}, {}] of '{}' lies outside namespace '{}' (slots 0-{})",
                                          e.traffic.range.start, e.traffic.range.end, e.key, e.namespace_key,
                                          total - 1)));
        continue;
      }
      explicit_by_namespace[e.namespace_key].push_back(&e);
    } else if (*count > total) {
      out.push_back(finding(code::namespace_oversubscribed, at, "traffic",
                            fmt::format("experiment '{}' requests {} slots but namespace '{}' has {}", e.key, *count,
                                        e.namespace_key, total)));
    }
  }

  std::map<std::string, const ExperimentSpec*, std::less<>> in_set;
  for (const ExperimentSpec& e : specs.experiments) in_set.emplace(e.key, &e);
  for (const auto& [ns, list] : explicit_by_namespace) {
    for (size_t j = 0; j < list.size(); ++j) {
      const ExperimentSpec& b = *list[j];
      const SourceLocation& at = field_location(b.fields, "traffic", b.location);
      bool reported = false;
      for (size_t i = 0; i < j && !reported; ++i) {
        const ExperimentSpec& a = *list[i];
        if (a.traffic.range.overlaps(b.traffic.range)) {
          out.push_back(finding(code::slot_overlap, at, "traffic.range",
                                fmt::format("slots {} of '{}' overlap slots {} of '{}' ({}) in namespace '{}'",
                                            to_string(b.traffic.range), b.key, to_string(a.traffic.range), a.key,
                                            where(field_location(a.fields, "traffic", a.location)), ns)));
          reported = true;
        }
      }
      for (const ExperimentRecord& r : existing.experiments) {
        if (reported) break;
        if (r.spec.namespace_key != ns || !r.claims_slots() || in_set.contains(r.spec.key)) continue;
        if (r.slots->overlaps(b.traffic.range)) {
          out.push_back(finding(code::slot_overlap, at, "traffic.range",
                                fmt::format("slots {} of '{}' overlap '{}' (slots {}, {}) in namespace '{}'",
                                            to_string(b.traffic.range), b.key, r.spec.key, to_string(*r.slots),
                                            to_string(r.status), ns)));
          reported = true;
        }
      }
    }
  }
}

}  // namespace

void sort_findings(std::vector<Error>& findings) {
  std::stable_sort(findings.begin(), findings.end(), [](const Error& a, const Error& b) {
    return std::tie(a.location.file, a.location.line, a.location.column, a.code) <
           std::tie(b.location.file, b.location.line, b.location.column, b.code);
  });
}

bool has_errors(const std::vector<Error>& findings) {
  return std::any_of(findings.begin(), findings.end(), [](const Error& e) { return e.severity == Severity::error; });
}

std::vector<Error> validate_spec_set(const SpecSet& specs, const RegistryState& existing) {
  std::vector<Error> out;
  check_duplicates(specs.namespaces, "namespace", out);
  check_duplicates(specs.metrics, "metric", out);
  check_duplicates(specs.experiments, "experiment", out);
  for (size_t i = 1; i < specs.global_holdouts.size(); ++i) {
    const GlobalHoldoutSpec& g = specs.global_holdouts[i];
    const GlobalHoldoutSpec& first = specs.global_holdouts[0];
    out.push_back(finding(code::duplicate_global_holdout, g.location, "kind",
                          fmt::format("only one global_holdout may be defined; first defined at {}",
                                      where(first.location))));
  }
  Catalog catalog(specs, existing);
  for (const ExperimentSpec& e : specs.experiments) {
    check_references(e, catalog, out);
    check_plan(e, catalog, out);
  }
  check_slots(specs, existing, catalog, out);
  sort_findings(out);
  return out;
}

}  // namespace expt
