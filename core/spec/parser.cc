#include "core/spec/parser.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "core/assign/variant_set.h"
#include "core/base/edit_distance.h"
#include "core/base/excerpt.h"
#include "core/base/finding_codes.h"
#include "core/base/key.h"
#include "core/spec/json_form.h"
#include "core/spec/spec_reader.h"
#include "core/spec/yaml_load.h"
#include "core/stats/cuped.h"

namespace expt {

namespace {

using nlohmann::json;
using YAML::Node;
using namespace spec_reading;

constexpr std::string_view k_kinds[] = {"namespace", "metric", "experiment", "global_holdout"};
constexpr std::string_view k_namespace_fields[] = {"kind", "key", "description", "total_slots",
                                                   "default_config"};
constexpr std::string_view k_metric_fields[] = {"kind",      "key",       "name",        "description",
                                                "type",      "event_type", "aggregation", "numerator",
                                                "denominator", "direction"};
constexpr std::string_view k_measure_fields[] = {"event_type", "aggregation"};
constexpr std::string_view k_experiment_fields[] = {"kind",     "key",      "namespace", "type",
                                                    "owner_team", "description", "traffic", "variants",
                                                    "metrics",  "plan",      "analysis"};
constexpr std::string_view k_traffic_fields[] = {"slots", "percent", "range"};
constexpr std::string_view k_variant_fields[] = {"key", "allocation", "config"};
constexpr std::string_view k_binding_fields[] = {"metric", "role", "direction", "threshold",
                                                 "threshold_type", "cuped"};
constexpr std::string_view k_analysis_fields[] = {"sequential", "sequential_tuning", "cuped_window_days"};
constexpr std::string_view k_plan_fields[] = {"metric", "baseline",     "std_dev",      "mde",
                                              "mde_type", "alpha",      "power",        "duration_days",
                                              "daily_entities"};
constexpr std::string_view k_holdout_fields[] = {"kind", "key", "percent", "description"};

constexpr std::string_view k_metric_type_words[] = {"conversion", "mean", "ratio", "percentile"};
constexpr std::string_view k_mean_aggregation_words[] = {"sum", "count", "avg"};
constexpr std::string_view k_ratio_aggregation_words[] = {"sum", "count"};
constexpr std::string_view k_direction_words[] = {"increase", "decrease"};
constexpr std::string_view k_experiment_type_words[] = {"ab", "multivariate", "holdout", "rollout"};
constexpr std::string_view k_role_words[] = {"primary", "guardrail", "informational"};
constexpr std::string_view k_threshold_type_words[] = {"relative", "absolute"};

bool is_fraction_open(double v) { return v > 0 && v < 1; }

void parse_namespace(Document& doc, const Node& node, SpecSet& out) {
  Reader r(doc);
  Fields f(doc, node, "namespace", "", k_namespace_fields);
  NamespaceSpec spec;
  spec.location = f.location();
  spec.fields = f.locations();
  if (auto e = f.require("key")) spec.key = r.key(f, *e).value_or("");
  if (auto e = f.find("description")) spec.description = r.string(f, *e).value_or("");
  if (auto e = f.find("total_slots")) spec.total_slots = r.integer(f, *e, 1, k_max_total_slots).value_or(1000);
  if (auto e = f.find("default_config")) spec.default_config = r.config(f, *e).value_or(json::object());
  if (!doc.failed()) out.namespaces.push_back(std::move(spec));
}

// Percentile aggregations are written as the seed spells them: p50, p95, p99.9.
std::optional<double> parse_quantile(const std::string& word) {
  if (word.size() < 2 || word[0] != 'p') return std::nullopt;
  auto percent = Reader::parse_decimal(word.substr(1));
  if (!percent || *percent <= 0 || *percent >= 100) return std::nullopt;
  return *percent / 100.0;
}

std::optional<EventMeasure> parse_measure(Document& doc, Reader& r, const Fields& parent,
                                          const Fields::Entry& e) {
  if (!e.value.IsMap()) {
    doc.error(r.value_at(e), parent.field_path(e.name), code::wrong_shape,
              fmt::format("'{}' must be a map with event_type and aggregation", e.name));
    return std::nullopt;
  }
  Fields f(doc, e.value, e.name, parent.field_path(e.name), k_measure_fields);
  EventMeasure m;
  if (auto ev = f.require("event_type")) m.event_type = r.key(f, *ev).value_or("");
  if (auto ag = f.find("aggregation")) {
    m.aggregation = r.word(f, *ag, parse_aggregation, k_ratio_aggregation_words).value_or(Aggregation::sum);
    if (m.aggregation == Aggregation::avg) {
      doc.error(r.value_at(*ag), f.field_path("aggregation"), code::invalid_value,
                "'aggregation' must be one of sum, count; got 'avg'");
    }
  }
  return m;
}

void parse_metric(Document& doc, const Node& node, SpecSet& out) {
  Reader r(doc);
  Fields f(doc, node, "metric", "", k_metric_fields);
  MetricSpec spec;
  spec.location = f.location();
  spec.fields = f.locations();
  if (auto e = f.require("key")) spec.key = r.key(f, *e).value_or("");
  spec.name = spec.key;
  if (auto e = f.find("name")) spec.name = r.string(f, *e).value_or("");
  if (auto e = f.find("description")) spec.description = r.string(f, *e).value_or("");
  if (auto e = f.find("direction")) {
    spec.direction = r.word(f, *e, parse_direction, k_direction_words).value_or(Direction::increase);
  }
  const Fields::Entry* type_entry = f.require("type");
  if (type_entry == nullptr) return;
  auto type = r.word(f, *type_entry, parse_metric_type, k_metric_type_words);
  if (!type) return;
  spec.type = *type;

  auto forbid = [&](std::string_view field, std::string_view why) {
    if (auto e = f.find(field)) {
      doc.error(doc.at(e->key), f.field_path(field), code::unknown_field,
                fmt::format("field '{}' does not apply to {} metrics; {}", field, to_string(spec.type), why));
    }
  };
  const Fields::Entry* aggregation = f.find("aggregation");
  switch (spec.type) {
    case MetricType::conversion:
      if (auto e = f.require("event_type")) spec.measure.event_type = r.key(f, *e).value_or("");
      forbid("aggregation", "a conversion counts entities with at least one event");
      forbid("numerator", "numerator and denominator are for ratio metrics");
      forbid("denominator", "numerator and denominator are for ratio metrics");
      break;
    case MetricType::mean:
      if (auto e = f.require("event_type")) spec.measure.event_type = r.key(f, *e).value_or("");
      if (aggregation != nullptr) {
        spec.measure.aggregation =
            r.word(f, *aggregation, parse_aggregation, k_mean_aggregation_words).value_or(Aggregation::sum);
      }
      forbid("numerator", "numerator and denominator are for ratio metrics");
      forbid("denominator", "numerator and denominator are for ratio metrics");
      break;
    case MetricType::ratio:
      forbid("event_type", "give numerator.event_type and denominator.event_type");
      forbid("aggregation", "give numerator.aggregation and denominator.aggregation");
      if (auto e = f.require("numerator")) {
        if (auto m = parse_measure(doc, r, f, *e)) spec.measure = *m;
      }
      if (auto e = f.require("denominator")) spec.denominator = parse_measure(doc, r, f, *e);
      break;
    case MetricType::percentile:
      if (auto e = f.require("event_type")) spec.measure.event_type = r.key(f, *e).value_or("");
      forbid("numerator", "numerator and denominator are for ratio metrics");
      forbid("denominator", "numerator and denominator are for ratio metrics");
      if (auto e = f.require("aggregation")) {
        std::optional<double> q;
        if (e->value.IsScalar()) q = parse_quantile(e->value.Scalar());
        if (!q) {
          doc.error(r.value_at(*e), "aggregation", code::invalid_value,
                    "'aggregation' of a percentile metric must be pNN with 0 < NN < 100, e.g. p95 or p99.9");
        } else {
          spec.quantile = *q;
        }
      }
      break;
  }
  if (!doc.failed()) out.metrics.push_back(std::move(spec));
}

std::optional<TrafficRequest> parse_traffic(Document& doc, Reader& r, const Fields::Entry& e) {
  if (!e.value.IsMap()) {
    doc.error(r.value_at(e), "traffic", code::wrong_shape,
              "'traffic' must be a map with one of slots, percent or range");
    return std::nullopt;
  }
  Fields f(doc, e.value, "traffic", "traffic", k_traffic_fields);
  int given = (f.find("slots") ? 1 : 0) + (f.find("percent") ? 1 : 0) + (f.find("range") ? 1 : 0);
  if (given != 1) {
    doc.error(doc.at(e.key), "traffic", code::invalid_value,
              fmt::format("'traffic' must give exactly one of slots, percent or range, got {}", given));
    return std::nullopt;
  }
  TrafficRequest t;
  if (auto s = f.find("slots")) {
    t.kind = TrafficRequest::Kind::slots;
    auto v = r.integer(f, *s, 1, k_max_total_slots);
    if (!v) return std::nullopt;
    t.slots = *v;
  } else if (auto p = f.find("percent")) {
    t.kind = TrafficRequest::Kind::percent;
    auto v = r.number(f, *p, "a number in (0, 100]", [](double x) { return x > 0 && x <= 100; });
    if (!v) return std::nullopt;
    t.percent = *v;
  } else if (auto g = f.find("range")) {
    t.kind = TrafficRequest::Kind::range;
    bool ok = g->value.IsSequence() && g->value.size() == 2;
    uint32_t bounds[2] = {0, 0};
    for (size_t i = 0; ok && i < 2; ++i) {
      const Node& item = g->value[i];
      ok = item.IsScalar() && is_plain(item);
      if (ok) {
        const std::string& text = item.Scalar();
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), bounds[i]);
        ok = ec == std::errc() && end == text.data() + text.size();
      }
    }
    if (!ok || bounds[0] > bounds[1]) {
      doc.error(r.value_at(*g), "traffic.range", code::invalid_value,
                "'range' must be [start, end] with whole slot numbers and start <= end (both inclusive)");
      return std::nullopt;
    }
    t.range = SlotRange{bounds[0], bounds[1]};
  }
  return t;
}

std::optional<uint32_t> parse_allocation(Reader& r, const Fields& f, const Fields::Entry& e) {
  auto v = r.number(f, e, "a fraction in (0, 1] with at most 4 decimals (basis points)",
                    [](double x) {
                      double bps = x * 10000;
                      return x > 0 && x <= 1 && std::fabs(bps - std::round(bps)) < 1e-6;
                    });
  if (!v) return std::nullopt;
  return static_cast<uint32_t>(std::round(*v * 10000));
}

// Calls `each` with the fields of every map in the list `e` (named `what` in messages, with
// `fields_hint` listing its main fields); reports a value that is not a list, and items that
// are not maps. Returns false when `e` is not a list.
template <typename Each>
bool for_each_map(Document& doc, Reader& r, const Fields::Entry& e, std::string_view what,
                  std::string_view fields_hint, std::span<const std::string_view> allowed, Each each) {
  if (!e.value.IsSequence()) {
    doc.error(r.value_at(e), e.name, code::wrong_shape, fmt::format("'{}' must be a list", e.name));
    return false;
  }
  size_t i = 0;
  for (const Node& item : e.value) {
    std::string path = fmt::format("{}[{}]", e.name, i++);
    if (!item.IsMap()) {
      doc.error(doc.at(item), path, code::wrong_shape, fmt::format("each {} must be a map with {}", what, fields_hint));
      continue;
    }
    each(Fields(doc, item, std::string(what), path, allowed));
  }
  return true;
}

// Returns false when some allocation could not be read, so the sum check stays quiet.
bool parse_variants(Document& doc, Reader& r, const Fields::Entry& e, ExperimentSpec& spec) {
  bool allocations_read = true;
  std::set<std::string> keys;
  bool is_list = for_each_map(doc, r, e, "variant", "key, allocation and config", k_variant_fields, [&](const Fields& f) {
    VariantSpec v;
    v.location = f.location();
    if (auto k = f.require("key")) {
      v.key = r.key(f, *k).value_or("");
      if (!v.key.empty() && !keys.insert(v.key).second) {
        doc.error(r.value_at(*k), f.field_path("key"), code::duplicate_variant,
                  fmt::format("variant key '{}' is used twice", v.key));
      }
    }
    std::optional<uint32_t> allocation;
    if (auto a = f.require("allocation")) allocation = parse_allocation(r, f, *a);
    allocations_read = allocations_read && allocation.has_value();
    v.allocation_bps = allocation.value_or(0);
    if (auto c = f.find("config")) v.config = r.config(f, *c).value_or(json::object());
    spec.variants.push_back(std::move(v));
  });
  return is_list && allocations_read;
}

void check_variant_set(Document& doc, const Fields& f, const Fields::Entry* variants_entry,
                       const ExperimentSpec& spec, bool allocations_read) {
  auto problem = variant_set_problem(spec.type, allocations_of(spec.variants));
  // A holdout that wrote `variants:` (even empty) is told to remove it.
  if (!problem && spec.type == ExperimentType::holdout && variants_entry != nullptr) {
    problem = variant_set_problem(spec.type, std::vector<uint32_t>(1));
  }
  if (!problem || (problem->code == code::allocation_sum && !allocations_read)) return;
  SourceLocation at = variants_entry ? doc.at(variants_entry->key) : f.location();
  doc.error(at, "variants", problem->code, problem->message);
}

void parse_bindings(Document& doc, Reader& r, const Fields::Entry& e, ExperimentSpec& spec) {
  std::set<std::string> seen;
  for_each_map(doc, r, e, "metric binding", "metric and role", k_binding_fields, [&](const Fields& f) {
    MetricBinding b;
    b.location = f.location();
    if (auto m = f.require("metric")) {
      b.metric = r.key(f, *m).value_or("");
      if (!b.metric.empty() && !seen.insert(b.metric).second) {
        doc.error(r.value_at(*m), f.field_path("metric"), code::duplicate_binding,
                  fmt::format("metric '{}' is bound twice", b.metric));
      }
    }
    if (auto role = f.require("role")) {
      b.role = r.word(f, *role, parse_metric_role, k_role_words).value_or(MetricRole::informational);
    }
    if (auto d = f.find("direction")) b.direction = r.word(f, *d, parse_direction, k_direction_words);
    if (auto t = f.find("threshold")) {
      b.threshold = r.number(f, *t, "a number >= 0", [](double x) { return x >= 0; });
    }
    if (auto tt = f.find("threshold_type")) {
      b.threshold_type =
          r.word(f, *tt, parse_threshold_type, k_threshold_type_words).value_or(ThresholdType::relative);
    }
    if (auto c = f.find("cuped")) b.cuped = r.boolean(f, *c).value_or(false);
    if (b.role == MetricRole::guardrail && !f.find("threshold")) {
      doc.error(f.location(), f.path(), code::guardrail_threshold,
                fmt::format("guardrail metric '{}' needs a threshold (the degradation it tolerates)", b.metric));
    }
    spec.metrics.push_back(std::move(b));
  });
}

std::optional<PlanSpec> parse_plan(Document& doc, Reader& r, const Fields::Entry& e, const ExperimentSpec& spec) {
  if (!e.value.IsMap()) {
    doc.error(r.value_at(e), "plan", code::wrong_shape, "'plan' must be a map");
    return std::nullopt;
  }
  Fields f(doc, e.value, "plan", "plan", k_plan_fields);
  PlanSpec p;
  p.location = doc.at(e.key);
  auto positive = [](double x) { return x > 0; };
  if (auto m = f.require("metric")) {
    p.metric = r.key(f, *m).value_or("");
    bool bound_primary = std::any_of(spec.metrics.begin(), spec.metrics.end(), [&](const MetricBinding& b) {
      return b.metric == p.metric && b.role == MetricRole::primary;
    });
    if (!p.metric.empty() && !bound_primary) {
      doc.error(r.value_at(*m), "plan.metric", code::plan_metric,
                fmt::format("plan metric '{}' must be bound to the experiment with role primary", p.metric));
    }
  }
  if (auto v = f.require("baseline")) p.baseline = r.number(f, *v, "a number > 0", positive).value_or(0);
  if (auto v = f.find("std_dev")) p.std_dev = r.number(f, *v, "a number > 0", positive);
  auto nonzero = [](double x) { return x != 0; };
  if (auto v = f.require("mde")) p.mde = r.number(f, *v, "a non-zero number (negative: a drop)", nonzero).value_or(0);
  if (auto v = f.find("mde_type")) {
    p.mde_type = r.word(f, *v, parse_mde_type, k_threshold_type_words).value_or(MdeType::relative);
  }
  if (auto v = f.find("alpha")) p.alpha = r.number(f, *v, "a number in (0, 1)", is_fraction_open).value_or(0.05);
  if (auto v = f.find("power")) p.power = r.number(f, *v, "a number in (0, 1)", is_fraction_open).value_or(0.8);
  if (auto v = f.require("duration_days")) p.duration_days = r.number(f, *v, "a number > 0", positive).value_or(0);
  if (auto v = f.require("daily_entities")) p.daily_entities = r.number(f, *v, "a number > 0", positive).value_or(0);
  return p;
}

std::optional<AnalysisSpec> parse_analysis(Document& doc, Reader& r, const Fields::Entry& e) {
  if (!e.value.IsMap()) {
    doc.error(r.value_at(e), "analysis", code::wrong_shape, "'analysis' must be a map");
    return std::nullopt;
  }
  Fields f(doc, e.value, "analysis", "analysis", k_analysis_fields);
  AnalysisSpec a;
  a.location = doc.at(e.key);
  if (auto v = f.find("sequential")) a.sequential = r.boolean(f, *v).value_or(false);
  // The same bounds as the command-line options (commands/analyze.cc).
  if (auto v = f.find("sequential_tuning")) {
    a.sequential_tuning = r.number(f, *v, "a number of entities from 100 to 1e12", [](double x) { return x >= 100 && x <= 1e12; });
  }
  if (auto v = f.find("cuped_window_days")) {
    a.cuped_window_days = r.number(f, *v, k_cuped_window_rule, valid_cuped_window);
  }
  return a;
}

void parse_experiment(Document& doc, const Node& node, SpecSet& out) {
  Reader r(doc);
  Fields f(doc, node, "experiment", "", k_experiment_fields);
  ExperimentSpec spec;
  spec.location = f.location();
  spec.fields = f.locations();
  if (auto e = f.require("key")) spec.key = r.key(f, *e).value_or("");
  if (auto e = f.require("namespace")) spec.namespace_key = r.key(f, *e).value_or("");
  if (auto e = f.require("owner_team")) spec.owner_team = r.string(f, *e).value_or("");
  if (auto e = f.find("description")) spec.description = r.string(f, *e).value_or("");
  if (auto e = f.require("traffic")) spec.traffic = parse_traffic(doc, r, *e).value_or(TrafficRequest{});
  const Fields::Entry* type_entry = f.require("type");
  if (type_entry == nullptr) return;
  auto type = r.word(f, *type_entry, parse_experiment_type, k_experiment_type_words);
  if (!type) return;
  spec.type = *type;

  const Fields::Entry* variants = f.find("variants");
  if (variants == nullptr && spec.type != ExperimentType::holdout) {
    f.require("variants");
    return;
  }
  bool allocations_read = true;
  if (variants != nullptr && spec.type != ExperimentType::holdout) {
    allocations_read = parse_variants(doc, r, *variants, spec);
  }
  // Counting variants means nothing when `variants` is not a list (already reported).
  if (variants == nullptr || variants->value.IsSequence() || spec.type == ExperimentType::holdout) {
    check_variant_set(doc, f, variants, spec, allocations_read);
  }
  if (auto e = f.find("metrics")) parse_bindings(doc, r, *e, spec);
  if (auto e = f.find("plan")) spec.plan = parse_plan(doc, r, *e, spec);
  if (auto e = f.find("analysis")) spec.analysis = parse_analysis(doc, r, *e);
  if (!doc.failed()) out.experiments.push_back(std::move(spec));
}

void parse_global_holdout(Document& doc, const Node& node, SpecSet& out) {
  Reader r(doc);
  Fields f(doc, node, "global_holdout", "", k_holdout_fields);
  GlobalHoldoutSpec spec;
  spec.location = f.location();
  spec.fields = f.locations();
  if (auto e = f.require("key")) spec.key = r.key(f, *e).value_or("");
  if (auto e = f.find("description")) spec.description = r.string(f, *e).value_or("");
  if (auto e = f.require("percent")) {
    auto v = r.number(f, *e, "a percent in [0, 100) with at most 2 decimals",
                      [](double x) { return x >= 0 && x < 100 && percent_to_bps(x).has_value(); });
    if (v) spec.percent_bps = *percent_to_bps(*v);
  }
  if (!doc.failed()) out.global_holdouts.push_back(std::move(spec));
}

void parse_document(Document& doc, const Node& node, SpecSet& out) {
  if (!node.IsMap()) {
    doc.error(doc.at(node), "", code::wrong_shape, "a spec document must be a map with a 'kind' field");
    return;
  }
  Node kind = node["kind"];
  if (!kind.IsDefined() || !kind.IsScalar()) {
    doc.error(doc.at(node), "kind", code::unknown_kind,
              fmt::format("document has no 'kind'; expected one of {}", join(k_kinds)));
    return;
  }
  const std::string& k = kind.Scalar();
  if (k == "namespace") {
    parse_namespace(doc, node, out);
  } else if (k == "metric") {
    parse_metric(doc, node, out);
  } else if (k == "experiment") {
    parse_experiment(doc, node, out);
  } else if (k == "global_holdout") {
    parse_global_holdout(doc, node, out);
  } else {
    std::string hint = did_you_mean(k, k_kinds);
    doc.error(doc.at(kind), "kind", code::unknown_kind,
              hint.empty() ? fmt::format("unknown kind '{}'; expected one of {}", excerpt(k), join(k_kinds))
                           : fmt::format("unknown kind '{}'{}", excerpt(k), hint));
  }
}

}  // namespace

ParsedSpecs parse_specs(std::string_view text, const std::string& file) {
  ParsedSpecs result;
  auto documents = load_yaml_documents(text, file);
  if (!documents) {
    result.errors.push_back(std::move(documents).error());
    return result;
  }
  for (const Node& node : *documents) {
    if (node.IsNull()) continue;
    ++result.documents;
    Document doc(file, result.errors);
    parse_document(doc, node, result.specs);
  }
  return result;
}

Result<nlohmann::json> parse_yaml_config(std::string_view text, const std::string& file) {
  std::vector<Error> errors;
  Document doc(file, errors);
  auto documents = load_yaml_documents(text, file);
  if (!documents) return std::move(documents).error();
  Node node = documents->empty() ? Node() : documents->front();
  Reader r(doc);
  auto value = r.to_json_value(node, "");
  if (!value) return errors.front();
  return *value;
}

}  // namespace expt
