#pragma once
// What `expt serve` knows of a bundle folder (core/registry/bundle_folder.h writes it): the
// published versions with their content hashes, the diffs between neighbours, and the latest
// version as latest.json names it. Files are immutable once published, so a version is read
// and verified once; rescan() picks up what an export added. Thread-safe: readers get an
// immutable snapshot while a rescan builds the next one.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/assign/evaluator.h"
#include "core/base/error.h"

namespace expt {

struct PublishedVersion {
  int64_t version = 0;
  std::string content_hash;  // "xxh128:..."; the strong ETag of the version
  size_t bytes = 0;          // size of bundle-V.json
};

struct FolderState {
  std::map<int64_t, PublishedVersion> versions;  // every bundle-V.json that verified
  // The version served: latest.json's, or when it does not verify at start, the newest
  // bundle-V.json that does (always in `versions`).
  std::optional<int64_t> latest;
  std::string lineage;  // the served bundles' registry; a latest.json of another is refused
  // Why the served version is not what latest.json names (damaged, older, another lineage);
  // empty when they agree. /healthz says "degraded" while it is set.
  std::string latest_problem;
  std::shared_ptr<const std::string> latest_text; // the bytes of the latest bundle
  std::shared_ptr<const BundleSnapshot> latest_snapshot;  // parsed, for remote evaluation
};

// A composed diff from one version to another, or why there is none.
struct ComposedDiff {
  std::optional<std::string> patch;  // a JSON Patch array; nullopt: send the full bundle
  std::string reason;                // when there is no patch: "missing diff-3-4.json", ...
};

class BundleStore {
 public:
  explicit BundleStore(std::string folder) : m_folder(std::move(folder)) {}

  // Re-reads the folder's listing and latest.json. Returns true when the latest version changed.
  // A file that fails to verify is left out (and reported once in last_problem()). Versions only
  // move forward, within one lineage.
  Result<bool> rescan();

  std::shared_ptr<const FolderState> state() const;
  const std::string& folder() const { return m_folder; }
  std::string last_problem() const;
  // latest.json files not served because they named an older version than the one served, or
  // came from another registry (lineage).
  int64_t refused_versions() const;

  // The bytes of bundle-V.json; a not_found Error for a version that is not published.
  Result<std::string> bundle_text(int64_t version) const;

  // The published diffs from `from` to `to` concatenated into one JSON Patch (each leads with
  // `test`s of its own base, which the previous one produced). None when `from` is unknown, a diff
  // is missing or unreadable, or the patch would be larger than the full bundle.
  ComposedDiff composed_diff(int64_t from, int64_t to) const;

 private:
  ComposedDiff compose(int64_t from, int64_t to) const;
  std::string m_folder;
  mutable std::mutex m_mutex;
  std::shared_ptr<const FolderState> m_state = std::make_shared<FolderState>();
  std::string m_problem;
  int64_t m_refused = 0;
  std::string m_refused_latest;  // the content hash of the latest.json last refused (counted once)
  // Composed patches already built (the files behind them never change); a few recent pairs.
  mutable std::map<std::pair<int64_t, int64_t>, std::shared_ptr<const std::string>> m_patches;
};

}  // namespace expt
