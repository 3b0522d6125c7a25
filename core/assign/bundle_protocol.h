#pragma once
// The bundle protocol, named once: the files of a bundle folder (bundle-V.json, diff-U-V.json,
// latest.json), the HTTP paths and headers of `expt serve`, strong ETags, and how a version is
// written. The folder writer, the server, its store and the client all spell them from here, so
// a change to the protocol is a change to this file (docs/bundle-format.md, docs/serving.md).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace expt {

// A bundle version as it appears in file names, URLs, SSE ids and headers: a canonical decimal
// integer of at least 1 ("7"; never "07", "+7", "7.0" or " 7"). nullopt for anything else.
std::optional<int64_t> parse_bundle_version(std::string_view text);

// --- the folder ---
inline constexpr std::string_view k_latest_file = "latest.json";
std::string bundle_file_name(int64_t version);           // "bundle-7.json"
std::string diff_file_name(int64_t from, int64_t to);    // "diff-6-7.json"
// The V of "bundle-V.json"; nullopt for any other name (temporary files included).
std::optional<int64_t> bundle_file_version(std::string_view name);
// A temporary file an export is writing (".bundle-7.json.tmp-...", ".latest.json.tmp-..."):
// never served, and removed by the next export.
bool is_partial_bundle_file(std::string_view name);
// The lock file exports before 0.2 left in the folder (they now lock the folder itself).
inline constexpr std::string_view k_old_folder_lock_file = ".expt-export.lock";

// --- HTTP ---
inline constexpr std::string_view k_latest_bundle_path = "/v1/bundle";
inline constexpr std::string_view k_stream_path = "/v1/stream";
inline constexpr std::string_view k_assign_path = "/v1/assign";
inline constexpr std::string_view k_health_path = "/healthz";
inline constexpr std::string_view k_metrics_path = "/metrics";
std::string bundle_path(int64_t version);            // "/v1/bundle/7"
std::string diff_path(int64_t from, int64_t to);     // "/v1/diff/6/7"

inline constexpr std::string_view k_version_header = "X-Expt-Bundle-Version";
inline constexpr std::string_view k_diff_header = "X-Expt-Diff";              // "patch" or "full"
inline constexpr std::string_view k_diff_reason_header = "X-Expt-Diff-Reason";  // why "full"
inline constexpr std::string_view k_bundle_event = "bundle";                  // the SSE event name

// A version's strong ETag is its content hash in quotes.
std::string etag_of(std::string_view content_hash);
// The content hash inside a strong ETag; nullopt for a weak or malformed one.
std::optional<std::string> content_hash_of_etag(std::string_view etag);
// True when an If-None-Match value (a list of tags, or "*") matches `etag`; weak tags compare
// by their opaque part, as RFC 9110 allows for GET.
bool if_none_match_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace expt
