#include "core/assign/bundle.h"

#include <algorithm>
#include <cstdio>
#include <span>
#include <utility>
#include <vector>

#include "core/assign/content_hash.h"

namespace expt {

using nlohmann::json;

namespace {
// The document's metadata, which the content leaves out; format 1's hash left all of it out.
constexpr std::string_view k_metadata[] = {"bundle_version", "created_at", "content_hash"};
// What format 2's hash leaves out: it covers bundle_version.
constexpr std::string_view k_unhashed[] = {"created_at", "content_hash"};
}

std::string canonical_text(const json& value) {
  // nlohmann::json keeps object keys sorted, so dump() is canonical.
  return value.dump(-1, ' ', false, json::error_handler_t::strict) + "\n";
}

namespace {

// The canonical text a content hash is taken of, without copying the document: its top-level
// members in key order (nlohmann keeps them sorted) less `unhashed`, and `version`, when not 0,
// as bundle_version in its sorted place; each dumped as dump() would.
std::string hashed_text_of(const json& document, std::span<const std::string_view> unhashed, int64_t version = 0) {
  std::string text = "{";
  auto member = [&](std::string_view key, const std::string& value) {
    if (text.size() > 1) text += ',';
    text += json(key).dump(-1, ' ', false, json::error_handler_t::strict);
    text += ':';
    text += value;
  };
  constexpr std::string_view k_version_key = "bundle_version";
  for (const auto& [key, value] : document.items()) {
    if (version != 0 && key > k_version_key) {
      member(k_version_key, std::to_string(version));
      version = 0;
    }
    if (std::find(unhashed.begin(), unhashed.end(), key) != unhashed.end()) continue;
    member(key, value.dump(-1, ' ', false, json::error_handler_t::strict));
  }
  if (version != 0) member(k_version_key, std::to_string(version));
  return text + "}\n";
}

}  // namespace

std::string content_hash(const json& content) { return content_hash_of(canonical_text(content)); }

std::string bundle_content_hash(const json& content, int64_t version) {
  return content_hash_of(hashed_text_of(content, k_metadata, version));
}

json bundle_document(const json& content, int64_t version, const std::string& created_at) {
  json document = content;
  document["bundle_version"] = version;
  document["created_at"] = created_at;
  document["content_hash"] = bundle_content_hash(content, version);
  return document;
}

json content_of(const json& document) {
  json content = document;
  for (std::string_view field : k_metadata) content.erase(std::string(field));
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
  if (auto bounded = check_bundle_bounds(document, name); !bounded) return std::move(bounded).error();
  for (const char* field : {"format_version", "bundle_version", "created_at", "content_hash", "namespaces"}) {
    if (!document.contains(field)) {
      return Error::invalid(std::string("bundle has no '") + field + "'", SourceLocation{name}, field);
    }
  }
  const json& format = document["format_version"];
  if (format != 1 && format != k_bundle_format_version) {
    return Error::invalid("bundle format_version " + format.dump() + " is not supported (this expt reads 1 to " +
                              std::to_string(k_bundle_format_version) + ")",
                          SourceLocation{name}, "format_version");
  }
  if (const auto lineage = document.find("lineage"); lineage != document.end() && !lineage->is_string()) {
    return Error::invalid("bundle lineage must be a string", SourceLocation{name}, "lineage");
  }
  if (!document["bundle_version"].is_number_integer() || document["bundle_version"].get<int64_t>() < 1) {
    return Error::invalid("bundle_version must be an integer from 1", SourceLocation{name}, "bundle_version");
  }
  const json& stated = document["content_hash"];
  std::string actual = content_hash_of(format == 1 ? hashed_text_of(document, k_metadata) : hashed_text_of(document, k_unhashed));
  if (!stated.is_string() || stated.get<std::string>() != actual) {
    return Error::invalid("bundle content does not match its content_hash (stated " + stated.dump() +
                              ", computed " + actual + "); the file is damaged or was edited",
                          SourceLocation{name}, "content_hash");
  }
  return {};
}

namespace {

// Values in `value` counted without recursion, stopping past `limit`; the depth is checked too.
struct Count {
  size_t values = 0;
  bool too_deep = false;
};
Count count_values(const json& value, size_t limit) {
  Count count;
  std::vector<std::pair<const json*, size_t>> stack{{&value, 1}};
  while (!stack.empty() && count.values <= limit) {
    auto [node, depth] = stack.back();
    stack.pop_back();
    ++count.values;
    if (depth > k_max_bundle_depth) {
      count.too_deep = true;
      return count;
    }
    if (node->is_structured()) {
      for (const json& child : *node) stack.emplace_back(&child, depth + 1);
    }
  }
  return count;
}

Error too_many_values(const std::string& name) {
  return Error::invalid("bundle holds more than " + std::to_string(k_max_bundle_values) + " JSON values",
                        SourceLocation{name});
}

}  // namespace

Result<size_t> check_bundle_bounds(const json& document, const std::string& name) {
  const Count count = count_values(document, k_max_bundle_values);
  if (count.too_deep) {
    return Error::invalid("bundle nests deeper than " + std::to_string(k_max_bundle_depth) + " levels",
                          SourceLocation{name});
  }
  if (count.values > k_max_bundle_values) return too_many_values(name);
  return count.values;
}

Result<json> apply_bundle_diff(const json& base, const json& patch, const std::string& name, VerifyResult verify) {
  if (!patch.is_array()) return Error::invalid("a bundle diff must be a JSON Patch array", SourceLocation{name});
  if (patch.size() > k_max_diff_operations) {
    return Error::invalid("a bundle diff may have at most " + std::to_string(k_max_diff_operations) +
                              " operations; this one has " + std::to_string(patch.size()),
                          SourceLocation{name});
  }
  auto values = check_bundle_bounds(base, name);
  if (!values) return std::move(values).error();
  // A diff names the bundle it applies to in its leading `test` operations: say which one is
  // wanted instead of JSON Patch's bare "unsuccessful".
  const std::string base_version = base.contains("bundle_version") ? base["bundle_version"].dump() : "?";
  for (const json& op : patch) {
    if (!op.is_object() || op.value("op", json()) != "test" || !op.contains("value")) break;
    const json path = op.value("path", json());
    const json& wanted = op["value"];
    if (path == "/bundle_version" && base.value("bundle_version", json()) != wanted) {
      return Error::invalid("this diff applies to bundle version " + wanted.dump() + ", but the bundle is version " +
                                base_version + ": apply the diffs in order, or load the newer bundle whole",
                            SourceLocation{name}, "bundle_version");
    }
    if (path == "/content_hash" && base.value("content_hash", json()) != wanted) {
      return Error::invalid("this diff applies to a bundle with content_hash " + wanted.dump() + ", but the bundle " +
                                "(version " + base_version + ") has " + base.value("content_hash", json()).dump() +
                                ": it was published from another registry or folder; load a full bundle",
                            SourceLocation{name}, "content_hash");
    }
  }
  json result = base;
  size_t total = *values;
  size_t index = 0;
  std::string at;
  try {
    // One operation at a time, so that the size is known before each one runs.
    for (const json& op : patch) {
      at = "diff operation " + std::to_string(index++);
      if (!op.is_object() || !op.contains("op") || !op["op"].is_string()) {
        return Error::invalid(at + " is not an RFC 6902 operation", SourceLocation{name});
      }
      const std::string& kind = op["op"].get_ref<const std::string&>();
      if ((kind == "add" || kind == "replace" || kind == "test") && op.contains("value")) {
        const Count added = count_values(op["value"], k_max_bundle_values);
        if (added.too_deep) {
          return Error::invalid(at + " has a value nested deeper than " + std::to_string(k_max_bundle_depth) +
                                    " levels",
                                SourceLocation{name});
        }
        if (kind != "test") total += added.values;
      } else if (kind == "copy" && op.contains("from") && op["from"].is_string()) {
        const json::json_pointer from(op["from"].get<std::string>());
        if (result.contains(from)) total += count_values(result.at(from), k_max_bundle_values).values;
      }
      if (total > k_max_bundle_values) return too_many_values(name + " (after " + at + ")");
      // RFC 6902 cannot add a member under a number, string or boolean; nlohmann's patch does not
      // check it (it asserts, and without assertions skips the operation): refuse it here.
      if ((kind == "add" || kind == "copy" || kind == "move") && op.contains("path") && op["path"].is_string()) {
        const json::json_pointer path(op["path"].get<std::string>());
        if (!path.empty()) {
          const json::json_pointer parent = path.parent_pointer();
          const json* under = result.contains(parent) ? &result.at(parent) : nullptr;
          if (under != nullptr && under->is_primitive() && !under->is_null()) {
            return Error::invalid(at + " adds under \"" + parent.to_string() + "\", which is a " + under->type_name() +
                                      ", not an object or array",
                                  SourceLocation{name});
          }
        }
      }
      result.patch_inplace(json::array({op}));
    }
  } catch (const json::exception& e) {
    // nlohmann's "[json.exception.other_error.501] unsuccessful: ..." without its tag.
    std::string detail = e.what();
    if (detail.starts_with("[json.exception.")) detail.erase(0, detail.find("] ") + 2);
    return Error::invalid(at + " does not apply to bundle version " + base_version + ": " + detail, SourceLocation{name});
  }
  if (verify == VerifyResult::yes) {
    if (auto verified = verify_bundle(result, name); !verified) return std::move(verified).error();
  }
  return result;
}

}  // namespace expt
