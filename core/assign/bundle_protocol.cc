#include "core/assign/bundle_protocol.h"

#include <charconv>

namespace expt {

std::optional<int64_t> parse_bundle_version(std::string_view text) {
  if (text.empty() || text.size() > 19 || text.front() < '1' || text.front() > '9') return std::nullopt;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 1) return std::nullopt;
  return v;
}

std::string bundle_file_name(int64_t version) { return "bundle-" + std::to_string(version) + ".json"; }

std::string diff_file_name(int64_t from, int64_t to) {
  return "diff-" + std::to_string(from) + "-" + std::to_string(to) + ".json";
}

std::optional<int64_t> bundle_file_version(std::string_view name) {
  constexpr std::string_view prefix = "bundle-", suffix = ".json";
  if (name.size() <= prefix.size() + suffix.size() || !name.starts_with(prefix) || !name.ends_with(suffix)) {
    return std::nullopt;
  }
  return parse_bundle_version(name.substr(prefix.size(), name.size() - prefix.size() - suffix.size()));
}

bool is_partial_bundle_file(std::string_view name) {
  if (name.find(".tmp-") == std::string_view::npos) return false;
  return name.starts_with(".bundle-") || name.starts_with(".diff-") || name.starts_with(".latest.json");
}

std::string bundle_path(int64_t version) { return std::string(k_latest_bundle_path) + "/" + std::to_string(version); }

std::string diff_path(int64_t from, int64_t to) {
  return "/v1/diff/" + std::to_string(from) + "/" + std::to_string(to);
}

std::string etag_of(std::string_view content_hash) { return "\"" + std::string(content_hash) + "\""; }

std::optional<std::string> content_hash_of_etag(std::string_view etag) {
  if (etag.size() < 2 || etag.front() != '"' || etag.back() != '"') return std::nullopt;
  return std::string(etag.substr(1, etag.size() - 2));
}

bool if_none_match_matches(std::string_view value, std::string_view etag) {
  size_t start = 0;
  while (start <= value.size()) {
    size_t end = value.find(',', start);
    if (end == std::string_view::npos) end = value.size();
    std::string_view tag = value.substr(start, end - start);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == "*" || tag == etag) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace expt
