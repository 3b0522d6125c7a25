#include "core/client/shared_snapshots.h"

namespace expt {

SharedSnapshots& SharedSnapshots::process() {
  static SharedSnapshots instance;
  return instance;
}

SharedSnapshots::Snapshot SharedSnapshots::get_or_build(const std::string& server, int64_t version,
                                                        const std::string& content_hash,
                                                        const std::function<Snapshot()>& build) {
  const Key key{server, version, content_hash};
  std::promise<Snapshot> promise;
  {
    std::unique_lock<std::mutex> lock(m_mutex);
    // Entries of versions nobody holds any more go, so the map stays as small as the versions in use.
    std::erase_if(m_entries, [](const auto& item) { return !item.second.pending.valid() && item.second.built.expired(); });
    auto found = m_entries.find(key);
    if (found != m_entries.end()) {
      if (Snapshot built = found->second.built.lock()) return built;
      if (found->second.pending.valid()) {
        std::shared_future<Snapshot> pending = found->second.pending;
        lock.unlock();
        if (Snapshot built = pending.get()) return built;
        return build();
      }
    }
    m_entries[key].pending = promise.get_future().share();
  }
  Snapshot built;
  try {
    built = build();
  } catch (...) {
    built = nullptr;  // build() reports its errors as values; this only keeps the waiters from hanging
  }
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    Entry& entry = m_entries[key];
    entry.pending = {};
    entry.built = built;
  }
  promise.set_value(built);
  return built;
}

void SharedSnapshots::remember(const std::string& server, const Snapshot& snapshot) {
  if (!snapshot) return;
  std::lock_guard<std::mutex> lock(m_mutex);
  Entry& entry = m_entries[Key{server, snapshot->version(), snapshot->content_hash()}];
  if (!entry.pending.valid() && entry.built.expired()) entry.built = snapshot;
}

}  // namespace expt
