#include "core/plan/bundle_publish.h"

#include <stdexcept>

#include "core/assign/bundle.h"

namespace expt {

using nlohmann::json;

json bundle_content(const RegistryState& state) {
  json namespaces = json::object();
  for (const NamespaceRecord& ns : state.namespaces) {
    json experiments = json::object();
    for (const ExperimentRecord& e : state.experiments) {
      if (e.spec.namespace_key != ns.spec.key || e.status != ExperimentStatus::running || !e.slots) continue;
      json variants = json::array();
      for (const VariantSpec& v : e.spec.variants) {
        variants.push_back({{"key", v.key}, {"allocation_bps", v.allocation_bps}, {"config", v.config}});
      }
      experiments[e.spec.key] = {{"type", to_string(e.spec.type)},
                                 {"slot_start", e.slots->start},
                                 {"slot_end", e.slots->end},
                                 {"variants", std::move(variants)}};
    }
    namespaces[ns.spec.key] = {{"total_slots", ns.spec.total_slots},
                               {"default_config", ns.spec.default_config},
                               {"experiments", std::move(experiments)}};
  }
  json holdout = nullptr;
  if (state.global_holdout && state.global_holdout->spec.percent_bps > 0) {
    holdout = {{"key", state.global_holdout->spec.key}, {"percent_bps", state.global_holdout->spec.percent_bps}};
  }
  return json{{"format_version", k_bundle_format_version},
              {"hash_version", static_cast<uint32_t>(state.hash_version)},
              {"global_holdout", std::move(holdout)},
              {"namespaces", std::move(namespaces)}};
}

PublishPlan plan_bundle_publish(const RegistryState& state, const AuditStamp& stamp) {
  // A scoped read lacks other namespaces' experiments: its bundle would silently drop them.
  if (state.partial) throw std::logic_error("a bundle cannot be planned from a partial registry read (ReadScope)");
  PublishPlan plan;
  json content = bundle_content(state);
  std::string hash = content_hash(content);
  if (state.latest_bundle && state.latest_bundle->content_hash == hash) {
    plan.current = *state.latest_bundle;
    return plan;
  }
  plan.is_new = true;
  plan.current = BundleInfo{state.latest_bundle ? state.latest_bundle->version + 1 : 1, hash, stamp.at};
  json document = bundle_document(content, plan.current.version, stamp.at);
  plan.changes.bundle = PublishedBundle{plan.current, canonical_text(document)};
  plan.changes.audit.push_back(AuditEntry{0, stamp.at, stamp.actor, "publish", "bundle",
                                          std::to_string(plan.current.version),
                                          json{{"content_hash", hash},
                                               {"previous_version", state.latest_bundle
                                                                        ? json(state.latest_bundle->version)
                                                                        : json(nullptr)}}});
  return plan;
}

}  // namespace expt
