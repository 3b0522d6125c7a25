#include "core/assign/bundle.h"

#include <cstdio>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace expt {

using nlohmann::json;

namespace {
constexpr const char* k_metadata[] = {"bundle_version", "created_at", "content_hash"};
}

std::string canonical_text(const json& value) {
  // nlohmann::json keeps object keys sorted, so dump() is canonical.
  return value.dump(-1, ' ', false, json::error_handler_t::strict) + "\n";
}

std::string content_hash(const json& content) {
  std::string text = canonical_text(content);
  XXH128_hash_t h = XXH3_128bits(text.data(), text.size());
  char text_hash[40];
  std::snprintf(text_hash, sizeof text_hash, "xxh128:%016llx%016llx", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64));
  return text_hash;
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
      return Error::invalid(std::string("bundle has no '") + field + "'", SourceLocation{name}, field);
    }
  }
  if (document["format_version"] != k_bundle_format_version) {
    return Error::invalid("bundle format_version " + document["format_version"].dump() +
                              " is not supported (this expt reads " + std::to_string(k_bundle_format_version) + ")",
                          SourceLocation{name}, "format_version");
  }
  const json& stated = document["content_hash"];
  std::string actual = content_hash(content_of(document));
  if (!stated.is_string() || stated.get<std::string>() != actual) {
    return Error::invalid("bundle content does not match its content_hash (stated " + stated.dump() +
                              ", computed " + actual + "); the file is damaged or was edited",
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
    return Error::invalid("diff does not apply to bundle version " + base_version + ": " + e.what(),
                          SourceLocation{name});
  }
  auto verified = verify_bundle(result, name);
  if (!verified) return std::move(verified).error();
  return result;
}

}  // namespace expt
