#pragma once
// Snapshots that the BundleClients of one process share. Clients that follow the same server
// build the same snapshot for each version, so the first to build one lends it to the others,
// which would otherwise each copy, patch, verify and index the same bundle (about 1 ms of CPU
// each for 200 experiments). GrowthBook's SDKs likewise share one feature cache and one stream
// per API host and key across the instances of a process. Entries are keyed by server, version
// and content hash, held weakly once built, so a version no client uses any more is freed.

#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>

#include "core/assign/evaluator.h"

namespace expt {

class SharedSnapshots {
 public:
  using Snapshot = std::shared_ptr<const BundleSnapshot>;

  // The one instance of the process.
  static SharedSnapshots& process();

  // The snapshot of (server, version, content_hash): an existing one, one being built by another
  // client (waited for), or the result of `build` run here; nullptr when `build` fails (the
  // caller then takes its own path: another client's failure says nothing of its own).
  Snapshot get_or_build(const std::string& server, int64_t version, const std::string& content_hash,
                        const std::function<Snapshot()>& build);
  // Makes a snapshot built elsewhere (a full bundle, a poll) available to the other clients.
  void remember(const std::string& server, const Snapshot& snapshot);

 private:
  using Key = std::tuple<std::string, int64_t, std::string>;
  struct Entry {
    std::shared_future<Snapshot> pending;  // valid while being built
    std::weak_ptr<const BundleSnapshot> built;
  };
  std::mutex m_mutex;
  std::map<Key, Entry> m_entries;
};

}  // namespace expt
