#include "core/spec.h"

#include <array>
#include <cmath>
#include <utility>

#include <fmt/format.h>

namespace expt {

namespace {

template <typename E, size_t N>
using NameTable = std::array<std::pair<E, std::string_view>, N>;

template <typename E, size_t N>
std::string_view name_of(const NameTable<E, N>& table, E value) {
  for (const auto& [e, name] : table) {
    if (e == value) return name;
  }
  return "?";
}

template <typename E, size_t N>
std::optional<E> value_of(const NameTable<E, N>& table, std::string_view name) {
  for (const auto& [e, n] : table) {
    if (n == name) return e;
  }
  return std::nullopt;
}

constexpr NameTable<MetricType, 4> k_metric_types{{{MetricType::conversion, "conversion"},
                                                    {MetricType::mean, "mean"},
                                                    {MetricType::ratio, "ratio"},
                                                    {MetricType::percentile, "percentile"}}};
constexpr NameTable<Aggregation, 3> k_aggregations{
    {{Aggregation::sum, "sum"}, {Aggregation::count, "count"}, {Aggregation::avg, "avg"}}};
constexpr NameTable<Direction, 2> k_directions{
    {{Direction::increase, "increase"}, {Direction::decrease, "decrease"}}};
constexpr NameTable<ExperimentType, 4> k_experiment_types{{{ExperimentType::ab, "ab"},
                                                            {ExperimentType::multivariate, "multivariate"},
                                                            {ExperimentType::holdout, "holdout"},
                                                            {ExperimentType::rollout, "rollout"}}};
constexpr NameTable<MetricRole, 3> k_roles{{{MetricRole::primary, "primary"},
                                             {MetricRole::guardrail, "guardrail"},
                                             {MetricRole::informational, "informational"}}};
constexpr NameTable<ThresholdType, 2> k_threshold_types{
    {{ThresholdType::relative, "relative"}, {ThresholdType::absolute, "absolute"}}};
constexpr NameTable<MdeType, 2> k_mde_types{
    {{MdeType::relative, "relative"}, {MdeType::absolute, "absolute"}}};

}  // namespace

std::string_view to_string(MetricType v) { return name_of(k_metric_types, v); }
std::string_view to_string(Aggregation v) { return name_of(k_aggregations, v); }
std::string_view to_string(Direction v) { return name_of(k_directions, v); }
std::string_view to_string(ExperimentType v) { return name_of(k_experiment_types, v); }
std::string_view to_string(MetricRole v) { return name_of(k_roles, v); }
std::string_view to_string(ThresholdType v) { return name_of(k_threshold_types, v); }
std::string_view to_string(MdeType v) { return name_of(k_mde_types, v); }

std::optional<MetricType> parse_metric_type(std::string_view s) { return value_of(k_metric_types, s); }
std::optional<Aggregation> parse_aggregation(std::string_view s) { return value_of(k_aggregations, s); }
std::optional<Direction> parse_direction(std::string_view s) { return value_of(k_directions, s); }
std::optional<ExperimentType> parse_experiment_type(std::string_view s) {
  return value_of(k_experiment_types, s);
}
std::optional<MetricRole> parse_metric_role(std::string_view s) { return value_of(k_roles, s); }
std::optional<ThresholdType> parse_threshold_type(std::string_view s) {
  return value_of(k_threshold_types, s);
}
std::optional<MdeType> parse_mde_type(std::string_view s) { return value_of(k_mde_types, s); }

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
