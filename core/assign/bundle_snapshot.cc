#include "core/assign/bundle_snapshot.h"

#include "core/assign/bundle.h"
#include "core/assign/variant_set.h"
#include "core/base/key.h"

namespace expt {

using nlohmann::json;

namespace {

Error bad(const std::string& name, const std::string& pointer, std::string message) {
  return Error::invalid(std::move(message), SourceLocation{name}, pointer);
}

}  // namespace

Result<AssignmentSnapshot> snapshot_from_bundle(const json& document, const std::string& name) {
  auto verified = verify_bundle(document, name);
  if (!verified) return std::move(verified).error();
  AssignmentSnapshot snapshot;
  try {
    auto version = hash_version_from_number(document.at("hash_version").get<int64_t>());
    if (!version) return bad(name, "/hash_version", "unknown hash_version " + document["hash_version"].dump());
    snapshot.hash_version = *version;
    const json& holdout = document.at("global_holdout");
    if (!holdout.is_null()) {
      uint32_t bps = holdout.at("percent_bps").get<uint32_t>();
      if (bps >= 10000) return bad(name, "/global_holdout/percent_bps", "percent_bps must be below 10000");
      if (bps > 0) snapshot.global_holdout = SnapshotHoldout{holdout.at("key").get<std::string>(), bps};
    }
    for (const auto& [ns_key, ns] : document.at("namespaces").items()) {
      const std::string ns_path = "/namespaces/" + ns_key;
      if (!is_valid_key(ns_key)) return bad(name, ns_path, "invalid namespace key '" + ns_key + "'");
      SnapshotLayer layer;
      layer.key = ns_key;
      layer.total_slots = ns.at("total_slots").get<uint32_t>();
      if (layer.total_slots < 1 || layer.total_slots > 1000000) {
        return bad(name, ns_path + "/total_slots", "total_slots must be from 1 to 1000000");
      }
      layer.default_config = ns.at("default_config");
      layer.slot_owner.assign(layer.total_slots, -1);
      for (const auto& [exp_key, e] : ns.at("experiments").items()) {
        const std::string path = ns_path + "/experiments/" + exp_key;
        SnapshotExperiment experiment;
        experiment.key = exp_key;
        experiment.layer = snapshot.layers.size();
        auto type = parse_experiment_type(e.at("type").get<std::string>());
        if (!type) return bad(name, path + "/type", "unknown experiment type " + e["type"].dump());
        experiment.type = *type;
        experiment.slots = SlotRange{e.at("slot_start").get<uint32_t>(), e.at("slot_end").get<uint32_t>()};
        if (experiment.slots.start > experiment.slots.end || experiment.slots.end >= layer.total_slots) {
          return bad(name, path, "slot range " + to_string(experiment.slots) + " does not fit namespace '" + ns_key +
                                     "' (" + std::to_string(layer.total_slots) + " slots)");
        }
        std::vector<uint32_t> allocations;
        uint32_t end = 0;
        for (const json& v : e.at("variants")) {
          const auto bps = v.at("allocation_bps").get<uint32_t>();
          if (bps < 1 || bps > 10000) return bad(name, path + "/variants", "allocation_bps must be from 1 to 10000");
          end += bps;
          experiment.variants.push_back(SnapshotVariant{v.at("key").get<std::string>(), end, v.at("config"), {}, {}});
          allocations.push_back(bps);
        }
        if (auto problem = variant_set_problem(experiment.type, allocations)) {
          return bad(name, path + "/variants", problem->message);
        }
        const auto index = static_cast<int32_t>(snapshot.experiments.size());
        for (uint32_t slot = experiment.slots.start; slot <= experiment.slots.end; ++slot) {
          if (layer.slot_owner[slot] >= 0) {
            return bad(name, path,
                       "slot " + std::to_string(slot) + " of namespace '" + ns_key + "' is claimed by both '" +
                           snapshot.experiments[static_cast<size_t>(layer.slot_owner[slot])].key + "' and '" +
                           exp_key + "'");
          }
          layer.slot_owner[slot] = index;
        }
        snapshot.experiments.push_back(std::move(experiment));
      }
      snapshot.layers.push_back(std::move(layer));
    }
  } catch (const json::exception& e) {
    return bad(name, "", std::string("malformed bundle: ") + e.what());
  }
  finish_snapshot(snapshot);
  return snapshot;
}

}  // namespace expt
