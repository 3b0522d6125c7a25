#include "core/plan/spec_sync.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "core/base/name_table.h"
#include "core/base/printable.h"
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

// A file that only refers to a shared definition (a metric used by its experiment, the namespace
// it runs in) need not repeat its text: a description, or a metric's name, the file leaves out
// keeps the registered one. Writing `description: ""` empties it.
template <typename Spec>
Spec with_registered_text(Spec spec, const Spec* registered) {
  if (registered == nullptr) return spec;
  if (!spec.fields.contains("description")) spec.description = registered->description;
  if constexpr (requires { spec.name; }) {
    if (!spec.fields.contains("name")) spec.name = registered->name;
  }
  return spec;
}

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
  std::set<std::string> seen;
  for (const NamespaceSpec& given : specs.namespaces) {
    if (!seen.insert(given.key).second) continue;
    const NamespaceRecord* existing = state.find_namespace(given.key);
    const NamespaceSpec spec = with_registered_text(given, existing ? &existing->spec : nullptr);
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

// What a metric measures: every field but its name and description. A change to it changes the
// numbers of every analysis of an experiment that binds the metric.
json measured(const MetricSpec& spec) {
  json j = to_json(spec);
  j.erase("name");
  j.erase("description");
  return j;
}

void plan_metrics(SyncPlan& plan, const RegistryState& state, const SpecSet& specs, const AuditStamp& stamp,
                  const SyncOverride& override) {
  std::set<std::string> seen;
  for (const MetricSpec& given : specs.metrics) {
    if (!seen.insert(given.key).second) continue;
    const MetricRecord* existing = state.find_metric(given.key);
    const MetricSpec spec = with_registered_text(given, existing ? &existing->spec : nullptr);
    std::vector<std::string> running;
    if (existing && measured(existing->spec) != measured(spec)) {
      for (const ExperimentRecord& e : state.experiments) {
        if (e.status != ExperimentStatus::running) continue;
        for (const MetricBinding& b : e.spec.metrics) {
          if (b.metric == spec.key) running.push_back(e.spec.key);
        }
      }
    }
    if (!running.empty() && !(override.force && has_words(override.reason))) {
      const json now = measured(spec), registered = measured(existing->spec);
      std::vector<std::string> fields;
      for (const auto& [field, value] : now.items()) {
        if (registered.value(field, json()) != value) fields.push_back(field);
      }
      plan.refusals.push_back(Error::conflict(fmt::format(
          "metric '{}' is bound to running experiment{} {}: changing its {} would change what their analyses measure "
          "mid-flight; define a new metric (a new key) instead, or pass --force --reason TEXT (audited; it voids "
          "their approvals)",
          spec.key, running.size() == 1 ? "" : "s", join(running), join(fields))));
      continue;
    }
    json after = to_json(spec);
    json before = existing ? to_json(existing->spec) : json();
    if (diff_item(plan, stamp, "metric", spec.key, existing ? &before : nullptr, after)) {
      plan.changes.metrics.push_back(MetricRecord{spec, existing ? existing->created_at : stamp.at, stamp.at});
      if (!running.empty()) {
        json& details = plan.changes.audit.back().details;
        details["forced"] = true;
        details["reason"] = override.reason;
        details["running_experiments"] = running;
        plan.items.back().note = fmt::format("forced while {} run{}: their approvals are void", join(running),
                                             running.size() == 1 ? "s" : "");
      }
    }
  }
}

void plan_global_holdout(SyncPlan& plan, const RegistryState& state, const SpecSet& specs,
                         const AuditStamp& stamp) {
  if (specs.global_holdouts.empty()) return;
  const auto& existing = state.global_holdout;
  const GlobalHoldoutSpec spec = with_registered_text(specs.global_holdouts.front(), existing ? &existing->spec : nullptr);
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
  std::set<std::string> seen;
  for (const ExperimentSpec& given : specs.experiments) {
    if (!seen.insert(given.key).second) continue;
    const ExperimentRecord* existing = state.find_experiment(given.key);
    const ExperimentSpec spec = with_registered_text(given, existing ? &existing->spec : nullptr);
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

SyncPlan plan_spec_sync(const RegistryState& state, const SpecSet& specs, const AuditStamp& stamp,
                        const SyncOverride& override) {
  SyncPlan plan;
  plan_namespaces(plan, state, specs, stamp);
  plan_metrics(plan, state, specs, stamp, override);
  plan_global_holdout(plan, state, specs, stamp);
  plan_experiments(plan, state, specs, stamp);
  if (!plan.refusals.empty()) plan.changes = ChangeSet{};
  return plan;
}

}  // namespace expt
