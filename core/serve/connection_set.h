#pragma once
// The open connections of `expt serve`, so that a published version wakes every stream and a
// stop reaches every connection. Holds weak references: a connection lives as long as its own
// pending operations, and leaves the set when it is destroyed.

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace expt {

class Connection;

class ConnectionSet {
 public:
  uint64_t add(const std::shared_ptr<Connection>& connection) {
    std::lock_guard<std::mutex> lock(m_mutex);
    const uint64_t id = ++m_next;
    m_open.emplace(id, connection);
    return id;
  }
  void remove(uint64_t id) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_open.erase(id);
  }
  // The connections still alive now.
  std::vector<std::shared_ptr<Connection>> alive() const {
    std::vector<std::shared_ptr<Connection>> out;
    std::lock_guard<std::mutex> lock(m_mutex);
    out.reserve(m_open.size());
    for (const auto& [id, weak] : m_open) {
      if (auto strong = weak.lock()) out.push_back(std::move(strong));
    }
    return out;
  }
  size_t size() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_open.size();
  }

 private:
  mutable std::mutex m_mutex;
  uint64_t m_next = 0;
  std::unordered_map<uint64_t, std::weak_ptr<Connection>> m_open;
};

}  // namespace expt
