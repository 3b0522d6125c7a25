#include "core/plan/bundle_publish.h"

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <utility>
#include <vector>

#include <fmt/format.h>

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
  json content{{"format_version", k_bundle_format_version},
               {"hash_version", static_cast<uint32_t>(state.hash_version)},
               {"global_holdout", std::move(holdout)},
               {"namespaces", std::move(namespaces)}};
  if (!state.lineage.empty()) content["lineage"] = state.lineage;
  return content;
}

namespace {

// The configs of `content` by size, largest first: where a bundle too big to load comes from.
std::string largest_configs(const json& content) {
  std::vector<std::pair<size_t, std::string>> sizes;
  for (const auto& [ns, layer] : content["namespaces"].items()) {
    sizes.emplace_back(layer["default_config"].dump().size(), fmt::format("namespace {} default_config", ns));
    for (const auto& [key, experiment] : layer["experiments"].items()) {
      for (const json& v : experiment["variants"]) {
        sizes.emplace_back(v["config"].dump().size(), fmt::format("{}/{} variant {}", ns, key, v["key"].get<std::string>()));
      }
    }
  }
  std::sort(sizes.begin(), sizes.end(), std::greater<>());
  std::string out;
  for (size_t i = 0; i < sizes.size() && i < 5; ++i) {
    out += fmt::format("{}{} ({:.1f} KiB)", i ? ", " : "", sizes[i].second, static_cast<double>(sizes[i].first) / 1024);
  }
  return out;
}

// What every reader enforces (core/assign/bundle.h), checked before publishing: a bundle that
// `serve`, `watch` and the SDK refuse would leave every client on the old configs.
Result<void> check_loadable(const json& content, const std::string& text) {
  if (text.size() > k_max_bundle_bytes) {
    return Error::invalid(fmt::format("the bundle would be {:.1f} MiB, over the {} MiB that serve, watch and the SDK load "
                                      "(docs/bundle-format.md); nothing was published. Largest configs: {}",
                                      static_cast<double>(text.size()) / (1 << 20), k_max_bundle_bytes >> 20,
                                      largest_configs(content)));
  }
  if (auto bounds = check_bundle_bounds(content, "the bundle"); !bounds) {
    Error error = std::move(bounds).error();
    error.message += "; nothing was published. Largest configs: " + largest_configs(content);
    return error;
  }
  return {};
}

}  // namespace

Result<PublishPlan> plan_bundle_publish(const RegistryState& state, const AuditStamp& stamp) {
  // A scoped read lacks other namespaces' experiments: its bundle would silently drop them.
  if (state.partial) throw std::logic_error("a bundle cannot be planned from a partial registry read (ReadScope)");
  PublishPlan plan;
  json content = bundle_content(state);
  // Unchanged content restated at the latest version hashes as the latest bundle did.
  if (state.latest_bundle &&
      state.latest_bundle->content_hash == bundle_content_hash(content, state.latest_bundle->version)) {
    plan.current = *state.latest_bundle;
    return plan;
  }
  plan.is_new = true;
  const int64_t version = state.latest_bundle ? state.latest_bundle->version + 1 : 1;
  json document = bundle_document(content, version, stamp.at);
  const std::string hash = document["content_hash"].get<std::string>();
  plan.current = BundleInfo{version, hash, stamp.at};
  std::string text = canonical_text(document);
  if (auto loadable = check_loadable(content, text); !loadable) return std::move(loadable).error();
  plan.changes.bundle = PublishedBundle{plan.current, std::move(text)};
  plan.changes.audit.push_back(AuditEntry{0, stamp.at, stamp.actor, "publish", "bundle",
                                          std::to_string(plan.current.version),
                                          json{{"content_hash", hash},
                                               {"previous_version", state.latest_bundle
                                                                        ? json(state.latest_bundle->version)
                                                                        : json(nullptr)}}});
  return plan;
}

}  // namespace expt
