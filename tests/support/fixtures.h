#pragma once
// Helpers shared by the unit tests: paths into fixtures/, temporary folders, file I/O.

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace expt::testing {

// `relative` inside the repository's fixtures/ folder.
std::filesystem::path fixture_path(const std::string& relative);
std::string read_file(const std::filesystem::path& path);
nlohmann::json read_json(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& text);

// A fresh folder under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

 private:
  std::filesystem::path m_path;
};

}  // namespace expt::testing
