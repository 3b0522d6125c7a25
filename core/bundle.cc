#include "core/bundle.h"

#include <fmt/format.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace expt {

using nlohmann::json;

namespace {
constexpr const char* k_metadata[] = {"bundle_version", "created_at", "content_hash"};
}

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

std::string canonical_text(const json& value) {
  // nlohmann::json keeps object keys sorted, so dump() is canonical.
  return value.dump(-1, ' ', false, json::error_handler_t::strict) + "\n";
}

std::string content_hash(const json& content) {
  std::string text = canonical_text(content);
  XXH128_hash_t h = XXH3_128bits(text.data(), text.size());
  return fmt::format("xxh128:{:016x}{:016x}", h.high64, h.low64);
}

json bundle_document(const json& content, int64_t version, const std::string& created_at) {
  json document = content;
  document["bundle_version"] = version;
  document["created_at"] = created_at;
  document["content_hash"] = content_hash(content);
  return document;
}

json content_of(const json& document) {
  json content = document;
  for (const char* field : k_metadata) content.erase(field);
  return content;
}

json bundle_diff(const json& from, const json& to) {
  json patch = json::array({{{"op", "test"}, {"path", "/bundle_version"}, {"value", from.at("bundle_version")}},
                            {{"op", "test"}, {"path", "/content_hash"}, {"value", from.at("content_hash")}}});
  for (json& op : json::diff(from, to)) patch.push_back(std::move(op));
  return patch;
}

Result<void> verify_bundle(const json& document, const std::string& name) {
  if (!document.is_object()) return Error::invalid("a bundle must be a JSON object", SourceLocation{name});
  for (const char* field : {"format_version", "bundle_version", "created_at", "content_hash", "namespaces"}) {
    if (!document.contains(field)) {
      return Error::invalid(fmt::format("bundle has no '{}'", field), SourceLocation{name}, field);
    }
  }
  if (document["format_version"] != k_bundle_format_version) {
    return Error::invalid(fmt::format("bundle format_version {} is not supported (this expt reads {})",
                                      document["format_version"].dump(), k_bundle_format_version),
                          SourceLocation{name}, "format_version");
  }
  const json& stated = document["content_hash"];
  std::string actual = content_hash(content_of(document));
  if (!stated.is_string() || stated.get<std::string>() != actual) {
    return Error::invalid(fmt::format("bundle content does not match its content_hash (stated {}, computed {}); "
                                      "the file is damaged or was edited",
                                      stated.dump(), actual),
                          SourceLocation{name}, "content_hash");
  }
  return {};
}

Result<json> apply_bundle_diff(const json& base, const json& patch, const std::string& name) {
  if (!patch.is_array()) return Error::invalid("a bundle diff must be a JSON Patch array", SourceLocation{name});
  json result;
  try {
    result = base.patch(patch);
  } catch (const json::exception& e) {
    std::string base_version = base.contains("bundle_version") ? base["bundle_version"].dump() : "?";
    return Error::invalid(fmt::format("diff does not apply to bundle version {}: {}", base_version, e.what()),
                          SourceLocation{name});
  }
  auto verified = verify_bundle(result, name);
  if (!verified) return std::move(verified).error();
  return result;
}

PublishPlan plan_bundle_publish(const RegistryState& state, const AuditStamp& stamp) {
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
