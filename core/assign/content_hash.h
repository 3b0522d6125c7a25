#pragma once
// Content hashes as expt writes them: "xxh128:" and 32 lower-case hex digits of XXH3-128 over
// the bytes. Bundles are named by the hash of their canonical content (core/assign/bundle.h), and
// analysis inputs by the hash of their files' bytes (records and report provenance).

#include <optional>
#include <string>
#include <string_view>

namespace expt {

inline constexpr std::string_view k_content_hash_prefix = "xxh128:";

// The content hash of `bytes`.
std::string content_hash_of(std::string_view bytes);

// The content hash of a file's bytes, read in blocks; nullopt when it cannot be read to its end.
std::optional<std::string> file_content_hash(const std::string& path);

}  // namespace expt
