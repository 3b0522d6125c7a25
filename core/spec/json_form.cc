#include "core/spec/json_form.h"

#include <cmath>

namespace expt {

using nlohmann::json;

json to_json(const NamespaceSpec& spec) {
  return json{{"kind", "namespace"},
              {"key", spec.key},
              {"description", spec.description},
              {"total_slots", spec.total_slots},
              {"default_config", spec.default_config}};
}

namespace {
json measure_json(const EventMeasure& m) {
  return json{{"event_type", m.event_type}, {"aggregation", to_string(m.aggregation)}};
}

std::string quantile_name(double q) {
  // 0.95 -> "p95", 0.999 -> "p99.9": the seed's aggregation spelling for percentiles.
  json number = std::round(q * 100 * 1e6) / 1e6;
  return "p" + number.dump();
}
}  // namespace

json to_json(const MetricSpec& spec) {
  json j{{"kind", "metric"},
         {"key", spec.key},
         {"name", spec.name},
         {"description", spec.description},
         {"type", to_string(spec.type)},
         {"direction", to_string(spec.direction)}};
  switch (spec.type) {
    case MetricType::conversion:
      j["event_type"] = spec.measure.event_type;
      break;
    case MetricType::mean:
      j["event_type"] = spec.measure.event_type;
      j["aggregation"] = to_string(spec.measure.aggregation);
      break;
    case MetricType::ratio:
      j["numerator"] = measure_json(spec.measure);
      if (spec.denominator) j["denominator"] = measure_json(*spec.denominator);
      break;
    case MetricType::percentile:
      j["event_type"] = spec.measure.event_type;
      j["aggregation"] = quantile_name(spec.quantile);
      break;
  }
  return j;
}

json to_json(const TrafficRequest& traffic) {
  switch (traffic.kind) {
    case TrafficRequest::Kind::slots:
      return json{{"slots", traffic.slots}};
    case TrafficRequest::Kind::percent:
      return json{{"percent", traffic.percent}};
    case TrafficRequest::Kind::range:
      return json{{"range", json::array({traffic.range.start, traffic.range.end})}};
  }
  return json::object();
}

json to_json(const PlanSpec& plan) {
  json j{{"metric", plan.metric},
         {"baseline", plan.baseline},
         {"mde", plan.mde},
         {"mde_type", to_string(plan.mde_type)},
         {"alpha", plan.alpha},
         {"power", plan.power},
         {"duration_days", plan.duration_days},
         {"daily_entities", plan.daily_entities}};
  if (plan.std_dev) j["std_dev"] = *plan.std_dev;
  return j;
}

json to_json(const MetricBinding& binding) {
  json j{{"metric", binding.metric}, {"role", to_string(binding.role)}};
  if (binding.direction) j["direction"] = to_string(*binding.direction);
  if (binding.threshold) {
    j["threshold"] = *binding.threshold;
    j["threshold_type"] = to_string(binding.threshold_type);
  }
  if (binding.cuped) j["cuped"] = true;  // only when set: older specs keep their canonical form
  return j;
}

json to_json(const AnalysisSpec& analysis) {
  json j{{"sequential", analysis.sequential}};
  if (analysis.sequential_tuning) j["sequential_tuning"] = *analysis.sequential_tuning;
  if (analysis.cuped_window_days) j["cuped_window_days"] = *analysis.cuped_window_days;
  return j;
}

json to_json(const ExperimentSpec& spec) {
  json variants = json::array();
  for (const VariantSpec& v : spec.variants) {
    variants.push_back(
        json{{"key", v.key}, {"allocation", bps_to_fraction(v.allocation_bps)}, {"config", v.config}});
  }
  json metrics = json::array();
  for (const MetricBinding& b : spec.metrics) metrics.push_back(to_json(b));
  json j{{"kind", "experiment"},
         {"key", spec.key},
         {"namespace", spec.namespace_key},
         {"type", to_string(spec.type)},
         {"owner_team", spec.owner_team},
         {"description", spec.description},
         {"traffic", to_json(spec.traffic)},
         {"variants", std::move(variants)},
         {"metrics", std::move(metrics)}};
  if (spec.plan) j["plan"] = to_json(*spec.plan);
  if (spec.analysis) j["analysis"] = to_json(*spec.analysis);
  return j;
}

json to_json(const GlobalHoldoutSpec& spec) {
  return json{{"kind", "global_holdout"},
              {"key", spec.key},
              {"percent", spec.percent_bps / 100.0},
              {"description", spec.description}};
}

Result<TrafficRequest> traffic_from_json(const json& j) {
  TrafficRequest t;
  try {
    if (j.contains("slots")) {
      t.kind = TrafficRequest::Kind::slots;
      t.slots = j.at("slots").get<uint32_t>();
    } else if (j.contains("percent")) {
      t.kind = TrafficRequest::Kind::percent;
      t.percent = j.at("percent").get<double>();
    } else if (j.contains("range")) {
      t.kind = TrafficRequest::Kind::range;
      t.range = SlotRange{j.at("range").at(0).get<uint32_t>(), j.at("range").at(1).get<uint32_t>()};
    } else {
      return Error::invalid("traffic has none of slots, percent, range: " + j.dump());
    }
  } catch (const json::exception& e) {
    return Error::invalid(std::string("malformed traffic ") + j.dump() + ": " + e.what());
  }
  return t;
}

Result<PlanSpec> plan_from_json(const json& j) {
  PlanSpec p;
  try {
    p.metric = j.at("metric").get<std::string>();
    p.baseline = j.at("baseline").get<double>();
    p.mde = j.at("mde").get<double>();
    auto mde_type = parse_mde_type(j.at("mde_type").get<std::string>());
    if (!mde_type) return Error::invalid("malformed plan mde_type: " + j.dump());
    p.mde_type = *mde_type;
    p.alpha = j.at("alpha").get<double>();
    p.power = j.at("power").get<double>();
    p.duration_days = j.at("duration_days").get<double>();
    p.daily_entities = j.at("daily_entities").get<double>();
    if (j.contains("std_dev")) p.std_dev = j.at("std_dev").get<double>();
  } catch (const json::exception& e) {
    return Error::invalid(std::string("malformed plan ") + j.dump() + ": " + e.what());
  }
  return p;
}

Result<AnalysisSpec> analysis_from_json(const json& j) {
  AnalysisSpec a;
  try {
    a.sequential = j.at("sequential").get<bool>();
    if (j.contains("sequential_tuning")) a.sequential_tuning = j.at("sequential_tuning").get<double>();
    if (j.contains("cuped_window_days")) a.cuped_window_days = j.at("cuped_window_days").get<double>();
  } catch (const json::exception& e) {
    return Error::invalid(std::string("malformed analysis settings ") + j.dump() + ": " + e.what());
  }
  return a;
}

std::optional<uint32_t> percent_to_bps(double percent) {
  double bps = percent * 100.0;
  double rounded = std::round(bps);
  if (!std::isfinite(bps) || std::fabs(bps - rounded) > 1e-6 || rounded < 0) return std::nullopt;
  return static_cast<uint32_t>(rounded);
}

}  // namespace expt
