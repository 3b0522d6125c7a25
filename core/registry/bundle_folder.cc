#include "core/registry/bundle_folder.h"

#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/assign/bundle.h"
#include "core/assign/bundle_protocol.h"
#include "core/base/atomic_file.h"
#include "core/base/text_file.h"
#include "core/process/file_lock.h"

namespace expt {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The bundle_version that latest.json names, or 0 when it is missing or unreadable.
int64_t latest_named(const fs::path& path) {
  auto text = read_text_file(path.string());
  if (!text) return 0;
  json document = json::parse(*text, nullptr, false);
  if (!document.is_object() || !document.contains("bundle_version") || !document["bundle_version"].is_number_integer()) {
    return 0;
  }
  return document["bundle_version"].get<int64_t>();
}

}  // namespace

Result<FolderSync> sync_bundle_folder(const std::string& folder_name, int64_t latest, const BundleSource& source) {
  const fs::path folder(folder_name);
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) return Error::io(fmt::format("cannot create '{}': {}", folder_name, ec.message()), folder_name);
  auto lock = FileLock::acquire_folder(folder_name);
  if (!lock) return std::move(lock).error();
  fs::remove(folder / k_old_folder_lock_file, ec);  // versions before 0.2 locked with a file in the folder

  FolderSync sync;
  // Under the lock no other exporter is writing here, so these temporary files are orphans.
  for (const fs::directory_entry& entry : fs::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (is_partial_bundle_file(name) && fs::remove(entry.path(), ec)) sync.removed_temps.push_back(entry.path().string());
  }

  auto document_of = [&](int64_t version) -> Result<std::string> {
    auto document = source(version);
    if (!document) return std::move(document).error();
    if (!*document) return Error::io(fmt::format("bundle {} is missing from the registry", version));
    return std::move(**document);
  };
  // Writes `text` unless the file exists; an existing file of the newest version must match.
  auto materialize = [&](const fs::path& path, const std::string& text, bool check_existing) -> Result<void> {
    if (fs::exists(path, ec)) {
      if (!check_existing) return {};
      auto existing = read_text_file(path.string());
      if (existing && *existing == text) return {};
      return Error::conflict(fmt::format("'{}' exists with different content; a published bundle file is never "
                                         "overwritten (was this folder written from another registry?)",
                                         path.string()));
    }
    auto written = write_file_atomically(path.string(), text);
    if (!written) return std::move(written).error();
    sync.written.push_back(path.string());
    return {};
  };

  std::optional<std::string> previous;  // the document of version - 1, when read
  for (int64_t version = 1; version <= latest; ++version) {
    const fs::path bundle_path = folder / bundle_file_name(version);
    const fs::path diff_path = folder / diff_file_name(version - 1, version);
    const bool newest = version == latest;
    const bool need_bundle = newest || !fs::exists(bundle_path, ec);
    const bool need_diff = version > 1 && (newest || !fs::exists(diff_path, ec));
    if (!need_bundle && !need_diff) {
      previous.reset();
      continue;
    }
    auto document = document_of(version);
    if (!document) return std::move(document).error();
    if (need_bundle) {
      if (auto ok = materialize(bundle_path, *document, newest); !ok) return std::move(ok).error();
    }
    if (need_diff) {
      if (!previous) {
        auto before = document_of(version - 1);
        if (!before) return std::move(before).error();
        previous = std::move(*before);
      }
      const json diff = bundle_diff(json::parse(*previous), json::parse(*document));
      if (auto ok = materialize(diff_path, canonical_text(diff), newest); !ok) return std::move(ok).error();
    }
    previous = std::move(*document);
  }

  const fs::path latest_path = folder / k_latest_file;
  if (latest > 0 && latest_named(latest_path) < latest) {
    auto document = document_of(latest);
    if (!document) return std::move(document).error();
    auto written = write_file_atomically(latest_path.string(), *document);
    if (!written) return std::move(written).error();
    sync.written.push_back(latest_path.string());
  }
  return sync;
}

}  // namespace expt
