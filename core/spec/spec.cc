#include "core/spec/spec.h"

#include <cmath>

#include <fmt/format.h>

#include "core/base/name_table.h"

namespace expt {

namespace {

constexpr NameTable<Aggregation, 3> k_aggregations{
    {{Aggregation::sum, "sum"}, {Aggregation::count, "count"}, {Aggregation::avg, "avg"}}};
constexpr NameTable<MetricRole, 3> k_roles{{{MetricRole::primary, "primary"},
                                             {MetricRole::guardrail, "guardrail"},
                                             {MetricRole::informational, "informational"}}};
constexpr NameTable<ThresholdType, 2> k_threshold_types{
    {{ThresholdType::relative, "relative"}, {ThresholdType::absolute, "absolute"}}};

}  // namespace

std::string_view to_string(Aggregation v) { return name_of(k_aggregations, v); }
std::string_view to_string(MetricRole v) { return name_of(k_roles, v); }
std::string_view to_string(ThresholdType v) { return name_of(k_threshold_types, v); }

std::optional<Aggregation> parse_aggregation(std::string_view s) { return value_of(k_aggregations, s); }
std::optional<MetricRole> parse_metric_role(std::string_view s) { return value_of(k_roles, s); }
std::optional<ThresholdType> parse_threshold_type(std::string_view s) { return value_of(k_threshold_types, s); }

void SpecSet::append(SpecSet other) {
  auto move_all = [](auto& into, auto& from) {
    for (auto& item : from) into.push_back(std::move(item));
  };
  move_all(namespaces, other.namespaces);
  move_all(metrics, other.metrics);
  move_all(experiments, other.experiments);
  move_all(global_holdouts, other.global_holdouts);
}

const SourceLocation& field_location(const FieldLocations& fields, std::string_view field,
                                     const SourceLocation& fallback) {
  auto it = fields.find(field);
  return it == fields.end() ? fallback : it->second;
}

std::optional<uint32_t> requested_slot_count(const TrafficRequest& traffic, uint32_t total_slots) {
  switch (traffic.kind) {
    case TrafficRequest::Kind::slots:
      return traffic.slots;
    case TrafficRequest::Kind::range:
      return traffic.range.size();
    case TrafficRequest::Kind::percent: {
      double exact = traffic.percent * total_slots / 100.0;
      double rounded = std::round(exact);
      if (std::fabs(exact - rounded) > 1e-9) return std::nullopt;
      return static_cast<uint32_t>(rounded);
    }
  }
  return std::nullopt;
}

std::vector<uint32_t> allocations_of(const std::vector<VariantSpec>& variants) {
  std::vector<uint32_t> bps;
  bps.reserve(variants.size());
  for (const VariantSpec& v : variants) bps.push_back(v.allocation_bps);
  return bps;
}

std::string describe(const TrafficRequest& traffic) {
  switch (traffic.kind) {
    case TrafficRequest::Kind::slots:
      return fmt::format("{} slots", traffic.slots);
    case TrafficRequest::Kind::percent:
      return fmt::format("{}%", traffic.percent);
    case TrafficRequest::Kind::range:
      return fmt::format("range [{}, {}]", traffic.range.start, traffic.range.end);
  }
  return {};
}

}  // namespace expt
