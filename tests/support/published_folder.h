#pragma once
// A bundle folder as `expt export bundle` leaves it, for tests of the server and its clients:
// version 1 is the running fixture registry's bundle, and each later version stops one more
// experiment. publish() adds the next version the way an export does (files, then latest.json).

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/fixtures.h"

namespace expt::testing {

class PublishedFolder {
 public:
  explicit PublishedFolder(int versions);
  const std::filesystem::path& path() const { return m_dir.path(); }
  std::string folder() const { return m_dir.path().string(); }
  // The document of `version` (1-based), as published.
  const nlohmann::json& document(int64_t version) const { return m_documents.at(static_cast<size_t>(version - 1)); }
  std::string text(int64_t version) const;
  int64_t latest() const { return static_cast<int64_t>(m_documents.size()); }
  // Publishes the next version; returns it.
  int64_t publish();

 private:
  TempDir m_dir;
  std::vector<nlohmann::json> m_documents;
};

}  // namespace expt::testing
