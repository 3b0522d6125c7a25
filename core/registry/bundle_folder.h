#pragma once
// The folder of published bundles that SDKs and `expt serve` read: bundle-V.json for every
// version V, diff-U-V.json from each version to the next, and latest.json, a copy of the newest.
// The registry holds every published bundle, so the folder can always be completed from it:
// a failed or killed export leaves the folder behind the registry, never ahead, and the next
// export writes whatever is missing.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/base/error.h"

namespace expt {

// The document of a published version, as the registry stores it (nullopt: never published).
using BundleSource = std::function<Result<std::optional<std::string>>(int64_t version)>;

struct FolderSync {
  std::vector<std::string> written;        // paths, in the order written
  std::vector<std::string> removed_temps;  // stale temporary files of an interrupted export
};

// Brings `folder` (created if missing) up to version `latest`:
// - removes temporary files that an interrupted export left (.bundle-*, .diff-*, .latest.json);
// - writes each missing bundle-V.json and diff-(V-1)-V.json for V in 1..latest, oldest first;
//   the files of `latest` that exist must hold exactly its bytes (a published file never
//   changes: that is a conflict error);
// - then writes latest.json, unless it already names `latest` or a newer version, so it never
//   moves backwards and never names a bundle whose file is not there yet.
// Exporters to one folder take turns (an exclusive lock on the folder itself, so the folder
// holds only what `expt serve` and clients read). Every
// file is written atomically (core/base/atomic_file.h).
Result<FolderSync> sync_bundle_folder(const std::string& folder, int64_t latest, const BundleSource& source);

}  // namespace expt
