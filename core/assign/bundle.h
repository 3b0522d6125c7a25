#pragma once
// Config bundles: everything in-process assignment needs, as a self-contained JSON document
// that SDKs download (docs/bundle-format.md). core/plan/bundle_publish.h builds them from
// the registry, deterministically: equal registry states give byte-identical content. Diffs between versions are RFC 6902 JSON Patches that refuse to
// apply to any base but the one they were made from.

#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/base/error.h"

namespace expt {

// Format 2: content_hash covers bundle_version, and a bundle names the registry it came from
// (`lineage`). Format 1 (expt 0.2 and before; the hash left the version out) is still read.
inline constexpr int k_bundle_format_version = 2;

// Bounds on what a reader accepts (docs/bundle-format.md): the bytes of a bundle or diff file,
// the JSON values of a bundle (also after each operation of a diff, so a diff of `copy`
// operations cannot double the document until memory runs out), the nesting depth, and the
// operations of one diff.
inline constexpr size_t k_max_bundle_bytes = size_t{64} << 20;
inline constexpr size_t k_max_bundle_values = 2000000;
inline constexpr size_t k_max_bundle_depth = 100;
inline constexpr size_t k_max_diff_operations = 100000;

// Errors when `document` holds more than k_max_bundle_values values or nests deeper than
// k_max_bundle_depth; otherwise its number of values.
Result<size_t> check_bundle_bounds(const nlohmann::json& document, const std::string& name);

// "xxh128:" and 32 hex digits: XXH3-128 of the canonical text of `content`.
std::string content_hash(const nlohmann::json& content);

// A bundle's content_hash: of its content with its bundle_version, so that no version can be
// restated without the hash failing (created_at, a timestamp for people, is left out).
std::string bundle_content_hash(const nlohmann::json& content, int64_t version);

// The published document: `content` plus bundle_version, created_at and content_hash.
nlohmann::json bundle_document(const nlohmann::json& content, int64_t version, const std::string& created_at);

// The content part of a published document (the document without its three metadata fields).
nlohmann::json content_of(const nlohmann::json& document);

// The exact bytes of a bundle or diff file: compact JSON, keys sorted, then a newline.
std::string canonical_text(const nlohmann::json& value);

// An RFC 6902 patch turning `from` into `to`, led by `test` operations on from's bundle_version
// and content_hash so that it applies to that base only.
nlohmann::json bundle_diff(const nlohmann::json& from, const nlohmann::json& to);

// Checks that `document` is a bundle whose content_hash matches its content. Errors name the field.
Result<void> verify_bundle(const nlohmann::json& document, const std::string& name);

// Applies `patch` to `base` and verifies the result. Errors: the patch is not for this base
// (its test operations fail), it is malformed, it has more than k_max_diff_operations
// operations, an operation would take the document past k_max_bundle_values values, or the
// result does not verify.
// VerifyResult::no is for a caller that verifies the result itself (BundleSnapshot builds it
// through snapshot_from_bundle, which does), so a client's update is hashed once, not twice.
enum class VerifyResult { yes, no };
Result<nlohmann::json> apply_bundle_diff(const nlohmann::json& base, const nlohmann::json& patch,
                                         const std::string& name, VerifyResult verify = VerifyResult::yes);

}  // namespace expt
