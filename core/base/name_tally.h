#pragma once
// Counts rows per name for the first few distinct names seen (then only a total), so that a
// message can say what an input does contain ("its experiments: a (120 rows), b (8 rows)")
// without memory growing with a hostile input's number of distinct names.

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace expt {

class NameTally {
 public:
  static constexpr size_t k_max_names = 32;

  void add(std::string_view name, int64_t rows = 1) {
    m_total += rows;
    for (auto& [n, count] : m_names) {
      if (n == name) {
        count += rows;
        return;
      }
    }
    if (m_names.size() < k_max_names) {
      m_names.emplace_back(std::string(name), rows);
    } else {
      m_untracked += rows;
    }
  }

  int64_t total() const { return m_total; }
  int64_t untracked() const { return m_untracked; }  // rows of names past the first k_max_names

  // The names seen, most rows first (ties by name).
  std::vector<std::pair<std::string, int64_t>> by_count() const {
    auto sorted = m_names;
    std::sort(sorted.begin(), sorted.end(),
              [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
    return sorted;
  }

 private:
  std::vector<std::pair<std::string, int64_t>> m_names;
  int64_t m_total = 0;
  int64_t m_untracked = 0;
};

}  // namespace expt
