#pragma once
// Plain value types for what users declare in YAML: namespaces (layers), metrics, experiments
// and the global holdout. Each remembers where it was declared so later checks can point at
// the exact line. Schema and examples: docs/specs.md.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/assign/experiment_type.h"
#include "core/assign/slot_range.h"
#include "core/assign/variant_set.h"
#include "core/base/error.h"
#include "core/stats/metric_kind.h"

namespace expt {

// Spec-only enums; ExperimentType comes from the SDK, MetricType, Direction and MdeType from stats.
enum class Aggregation { sum, count, avg };
enum class MetricRole { primary, guardrail, informational };
enum class ThresholdType { relative, absolute };

std::string_view to_string(Aggregation);
std::string_view to_string(MetricRole);
std::string_view to_string(ThresholdType);

// Each returns nullopt for a word that is not a value of the enum.
std::optional<Aggregation> parse_aggregation(std::string_view);
std::optional<MetricRole> parse_metric_role(std::string_view);
std::optional<ThresholdType> parse_threshold_type(std::string_view);

// Where each top-level field of a document was written, keyed by field name.
using FieldLocations = std::map<std::string, SourceLocation, std::less<>>;

struct NamespaceSpec {
  std::string key;
  std::string description;
  uint32_t total_slots = 1000;
  nlohmann::json default_config = nlohmann::json::object();
  SourceLocation location;
  FieldLocations fields;
};

// What one side of a metric counts: events of `event_type`, folded per entity by `aggregation`.
struct EventMeasure {
  std::string event_type;
  Aggregation aggregation = Aggregation::sum;
  bool operator==(const EventMeasure&) const = default;
};

struct MetricSpec {
  std::string key;
  std::string name;
  std::string description;
  MetricType type = MetricType::conversion;
  // conversion: the event that converts; mean: the measured events; ratio: the numerator;
  // percentile: the events whose values are ranked. `aggregation` matters for mean and ratio.
  EventMeasure measure;
  std::optional<EventMeasure> denominator;  // ratio metrics only
  double quantile = 0;                      // percentile metrics only, in (0, 1)
  Direction direction = Direction::increase;
  SourceLocation location;
  FieldLocations fields;
};

// How much of its namespace an experiment asks for.
struct TrafficRequest {
  enum class Kind { slots, percent, range };
  Kind kind = Kind::slots;
  uint32_t slots = 0;   // Kind::slots
  double percent = 0;   // Kind::percent, of the namespace's total_slots
  SlotRange range;      // Kind::range

  bool operator==(const TrafficRequest&) const = default;
};

struct VariantSpec {
  std::string key;
  uint32_t allocation_bps = 0;  // share of the experiment's traffic in basis points (1/10000)
  nlohmann::json config = nlohmann::json::object();
  SourceLocation location;
};

struct MetricBinding {
  std::string metric;
  MetricRole role = MetricRole::informational;
  std::optional<Direction> direction;  // guardrails: overrides the metric's good direction
  std::optional<double> threshold;     // guardrails: tolerated degradation, >= 0
  ThresholdType threshold_type = ThresholdType::relative;
  bool cuped = false;  // mean and conversion metrics: CUPED with a pre-exposure covariate
  SourceLocation location;
};

// How `expt analyze` and `expt report` analyse the experiment when their command line does not
// say otherwise (docs/specs.md): always-valid inference, and the CUPED pre-exposure window.
struct AnalysisSpec {
  bool sequential = false;
  std::optional<double> sequential_tuning;  // N*, in entities
  std::optional<double> cuped_window_days;  // the covariate's window before exposure
  SourceLocation location;
};

// The pre-launch power plan checked by `expt start` (docs/specs.md, docs/statistics.md).
struct PlanSpec {
  std::string metric;        // a bound primary metric
  double baseline = 0;       // conversion rate, or the mean of a mean metric
  std::optional<double> std_dev;  // required for mean metrics
  double mde = 0;            // minimum detectable effect
  MdeType mde_type = MdeType::relative;
  double alpha = 0.05;
  double power = 0.8;
  double duration_days = 0;
  double daily_entities = 0;  // eligible entities entering the namespace per day
  SourceLocation location;
};

struct ExperimentSpec {
  std::string key;
  std::string namespace_key;
  ExperimentType type = ExperimentType::ab;
  std::string owner_team;
  std::string description;
  TrafficRequest traffic;
  std::vector<VariantSpec> variants;  // the first is the control
  std::vector<MetricBinding> metrics;
  std::optional<PlanSpec> plan;
  std::optional<AnalysisSpec> analysis;
  SourceLocation location;
  FieldLocations fields;
};

struct GlobalHoldoutSpec {
  std::string key;                // the hash salt
  uint32_t percent_bps = 0;       // share of all entities held out, in basis points
  std::string description;
  SourceLocation location;
  FieldLocations fields;
};

// Every document of one or more spec files, in the order written.
struct SpecSet {
  std::vector<NamespaceSpec> namespaces;
  std::vector<MetricSpec> metrics;
  std::vector<ExperimentSpec> experiments;
  std::vector<GlobalHoldoutSpec> global_holdouts;  // more than one is a validation error

  size_t size() const {
    return namespaces.size() + metrics.size() + experiments.size() + global_holdouts.size();
  }
  void append(SpecSet other);
};

// The location of `field` in `fields`, or `fallback` when the field was not written.
const SourceLocation& field_location(const FieldLocations& fields, std::string_view field,
                                     const SourceLocation& fallback);

// The number of slots a request resolves to in a namespace of `total_slots`, or nullopt when
// a percent does not give a whole number of slots.
std::optional<uint32_t> requested_slot_count(const TrafficRequest& traffic, uint32_t total_slots);

// "200 slots", "20%", "range [0, 199]": how a request reads in messages.
std::string describe(const TrafficRequest& traffic);

// The allocations of `variants` in basis points, as variant_set_problem() takes them.
std::vector<uint32_t> allocations_of(const std::vector<VariantSpec>& variants);

}  // namespace expt
