#include "core/plan/spec_sync.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/base/name_table.h"
#include "core/spec/json_form.h"

namespace expt {

using nlohmann::json;

namespace {
constexpr NameTable<SyncAction, 3> k_sync_action_names{{
    {SyncAction::create, "create"},
    {SyncAction::update, "update"},
    {SyncAction::unchanged, "unchanged"},
}};
}  // namespace

std::string_view to_string(SyncAction a) { return name_of(k_sync_action_names, a); }

size_t SyncPlan::count(SyncAction action) const {
  return static_cast<size_t>(
      std::count_if(items.begin(), items.end(), [&](const SyncItem& i) { return i.action == action; }));
}

namespace {

std::vector<std::string> changed_fields(const json& before, const json& after) {
  std::vector<std::string> fields;
  for (const auto& [name, value] : after.items()) {
    if (!before.contains(name) || before[name] != value) fields.push_back(name);
  }
  for (const auto& [name, value] : before.items()) {
    if (!after.contains(name)) fields.push_back(name);
  }
  return fields;
}

// "/variants/1/config/cta_color" -> "variants[1].config.cta_color"; "-" (append) -> "[+]".
std::string dotted(const std::string& pointer) {
  std::string out;
  size_t start = 1;
  while (start <= pointer.size()) {
    size_t end = pointer.find('/', start);
    if (end == std::string::npos) end = pointer.size();
    std::string token = pointer.substr(start, end - start);
    for (size_t at = 0; (at = token.find("~1", at)) != std::string::npos;) token.replace(at, 2, "/");
    for (size_t at = 0; (at = token.find("~0", at)) != std::string::npos;) token.replace(at, 2, "~");
    const bool index = !token.empty() && std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (token == "-") out += "[+]";
    else if (index) out += "[" + token + "]";
    else out += (out.empty() ? "" : ".") + token;
    start = end + 1;
  }
  return out;
}

std::vector<FieldChange> field_changes(const json& before, const json& after) {
  std::vector<FieldChange> changes;
  for (const json& op : json::diff(before, after)) {
    const std::string path = op["path"].get<std::string>();
    const std::string kind = op["op"].get<std::string>();
    FieldChange change{dotted(path), std::nullopt, std::nullopt};
    if (kind == "replace" || kind == "remove") change.before = before.at(json::json_pointer(path));
    if (kind == "replace" || kind == "add") change.after = op["value"];
    changes.push_back(std::move(change));
  }
  return changes;
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out += ", ";
    out += w;
  }
  return out;
}

AuditEntry audit(const AuditStamp& stamp, std::string action, std::string kind, std::string key, json details) {
  return AuditEntry{0, stamp.at, stamp.actor, std::move(action), std::move(kind), std::move(key), std::move(details)};
}

// Compares one spec with its stored version and records the outcome; returns true when the
// record must be written.
bool diff_item(SyncPlan& plan, const AuditStamp& stamp, std::string kind, const std::string& key,
               const json* before, const json& after) {
  SyncItem item{kind, key, SyncAction::create, {}, {}, {}};
  if (before == nullptr) {
    plan.changes.audit.push_back(audit(stamp, "create", kind, key, json{{"spec", after}}));
  } else if (*before == after) {
    item.action = SyncAction::unchanged;
  } else {
    item.action = SyncAction::update;
    item.changed_fields = changed_fields(*before, after);
    item.changes = field_changes(*before, after);
    plan.changes.audit.push_back(audit(stamp, "update", kind, key, json{{"patch", json::diff(*before, after)}}));
  }
  bool write = item.action != SyncAction::unchanged;
  plan.items.push_back(std::move(item));
  return write;
}

// The parts of an experiment that decide who gets which variant.
std::vector<std::string> randomization_changes(const ExperimentSpec& before, const ExperimentSpec& after) {
  std::vector<std::string> changes;
  if (before.namespace_key != after.namespace_key) changes.push_back("namespace");
  if (before.type != after.type) changes.push_back("type");
  if (!(before.traffic == after.traffic)) changes.push_back("traffic");
  bool same_keys = before.variants.size() == after.variants.size();
  bool same_weights = same_keys;
  for (size_t i = 0; same_keys && i < before.variants.size(); ++i) {
    same_keys = before.variants[i].key == after.variants[i].key;
    same_weights = same_weights && before.variants[i].allocation_bps == after.variants[i].allocation_bps;
  }
  if (!same_keys) changes.push_back("variant keys");
  if (same_keys && !same_weights) changes.push_back("variant weights");
  return changes;
}

// Whether an allocated range still satisfies a (possibly changed) traffic request.
bool range_satisfies(const SlotRange& range, const TrafficRequest& traffic, uint32_t total_slots) {
  if (range.end >= total_slots) return false;
  if (traffic.kind == TrafficRequest::Kind::range) return traffic.range == range;
  auto count = requested_slot_count(traffic, total_slots);
  return count && *count == range.size();
}

uint32_t total_slots_of(const RegistryState& state, const SpecSet& specs, const std::string& ns_key) {
  for (const NamespaceSpec& n : specs.namespaces) {
    if (n.key == ns_key) return n.total_slots;
  }
  const NamespaceRecord* n = state.find_namespace(ns_key);
  return n ? n->spec.total_slots : 0;
}

void plan_namespaces(SyncPlan& plan, const RegistryState& state, const SpecSet& specs, const AuditStamp& stamp) {
  for (const NamespaceSpec& spec : specs.namespaces) {
    const NamespaceRecord* existing = state.find_namespace(spec.key);
    json after = to_json(spec);
    json before = existing ? to_json(existing->spec) : json();
    if (existing && existing->spec.total_slots != spec.total_slots) {
      std::vector<std::string> holders;
      for (const ExperimentRecord& e : state.experiments) {
        if (e.spec.namespace_key == spec.key && e.claims_slots()) holders.push_back(e.spec.key);
      }
      if (!holders.empty()) {
        plan.refusals.push_back(Error::conflict(fmt::format(
            "namespace '{}': changing total_slots from {} to {} would move every entity to a new slot, but {} "
            "hold slots in it ({}); archive them first or create a new namespace",
            spec.key, existing->spec.total_slots, spec.total_slots,
            holders.size() == 1 ? "1 experiment" : fmt::format("{} experiments", holders.size()), join(holders))));
        continue;
      }
    }
    if (diff_item(plan, stamp, "namespace", spec.key, existing ? &before : nullptr, after)) {
      plan.changes.namespaces.push_back(
          NamespaceRecord{spec, existing ? existing->created_at : stamp.at, stamp.at});
    }
  }
}

void plan_metrics(SyncPlan& plan, const RegistryState& state, const SpecSet& specs, const AuditStamp& stamp) {
  for (const MetricSpec& spec : specs.metrics) {
    const MetricRecord* existing = state.find_metric(spec.key);
    json after = to_json(spec);
    json before = existing ? to_json(existing->spec) : json();
    if (diff_item(plan, stamp, "metric", spec.key, existing ? &before : nullptr, after)) {
      plan.changes.metrics.push_back(MetricRecord{spec, existing ? existing->created_at : stamp.at, stamp.at});
    }
  }
}

void plan_global_holdout(SyncPlan& plan, const RegistryState& state, const SpecSet& specs,
                         const AuditStamp& stamp) {
  if (specs.global_holdouts.empty()) return;
  const GlobalHoldoutSpec& spec = specs.global_holdouts.front();
  const auto& existing = state.global_holdout;
  if (existing && (existing->spec.key != spec.key || existing->spec.percent_bps != spec.percent_bps)) {
    std::vector<std::string> running;
    for (const ExperimentRecord& e : state.experiments) {
      if (e.status == ExperimentStatus::running) running.push_back(e.spec.key);
    }
    if (!running.empty()) {
      plan.refusals.push_back(Error::conflict(fmt::format(
          "global holdout: changing its key or percent would move entities in or out of {} running "
          "experiment(s) ({}); stop them first",
          running.size(), join(running))));
      return;
    }
  }
  json after = to_json(spec);
  json before = existing ? to_json(existing->spec) : json();
  if (diff_item(plan, stamp, "global_holdout", spec.key, existing ? &before : nullptr, after)) {
    plan.changes.global_holdout = GlobalHoldoutRecord{spec, stamp.at};
  }
}

void plan_experiments(SyncPlan& plan, const RegistryState& state, const SpecSet& specs, const AuditStamp& stamp) {
  for (const ExperimentSpec& spec : specs.experiments) {
    const ExperimentRecord* existing = state.find_experiment(spec.key);
    json after = to_json(spec);
    if (existing == nullptr) {
      diff_item(plan, stamp, "experiment", spec.key, nullptr, after);
      ExperimentRecord record;
      record.spec = spec;
      record.created_at = record.updated_at = stamp.at;
      plan.changes.experiments.push_back(std::move(record));
      continue;
    }
    json before = to_json(existing->spec);
    if (before == after) {
      diff_item(plan, stamp, "experiment", spec.key, &before, after);
      continue;
    }
    if (existing->status == ExperimentStatus::archived) {
      plan.refusals.push_back(Error::conflict(
          fmt::format("experiment '{}' is archived; archived experiments are read-only (create a new one)", spec.key)));
      continue;
    }
    std::vector<std::string> reshuffling = randomization_changes(existing->spec, spec);
    if (!reshuffling.empty() && existing->status != ExperimentStatus::draft) {
      plan.refusals.push_back(Error::conflict(fmt::format(
          "experiment '{}' is {}: changing its {} would reshuffle users already exposed; keep them as they are, "
          "or stop this experiment and create a new one",
          spec.key, to_string(existing->status), join(reshuffling))));
      continue;
    }
    ExperimentRecord record = *existing;
    record.spec = spec;
    record.updated_at = stamp.at;
    std::string note;
    if (record.slots && record.spec.namespace_key == existing->spec.namespace_key &&
        range_satisfies(*record.slots, spec.traffic, total_slots_of(state, specs, spec.namespace_key))) {
      // The claim still matches the request: keep it.
    } else if (record.slots) {
      note = fmt::format("slots {} released because the traffic request changed; run `expt allocate {}`",
                         to_string(*record.slots), spec.key);
      record.slots.reset();
    }
    diff_item(plan, stamp, "experiment", spec.key, &before, after);
    plan.items.back().note = note;
    if (!note.empty()) plan.changes.audit.back().details["released_slots"] = to_string(*existing->slots);
    plan.changes.experiments.push_back(std::move(record));
  }
}

}  // namespace

SyncPlan plan_spec_sync(const RegistryState& state, const SpecSet& specs, const AuditStamp& stamp) {
  SyncPlan plan;
  plan_namespaces(plan, state, specs, stamp);
  plan_metrics(plan, state, specs, stamp);
  plan_global_holdout(plan, state, specs, stamp);
  plan_experiments(plan, state, specs, stamp);
  if (!plan.refusals.empty()) plan.changes = ChangeSet{};
  return plan;
}

}  // namespace expt
