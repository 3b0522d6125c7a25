#include "core/base/edit_distance.h"

#include <algorithm>
#include <vector>

namespace expt {

size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rows of the optimal-string-alignment table: two back, for a transposition.
  std::vector<size_t> before(b.size() + 1), previous(b.size() + 1), row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({previous[j] + 1, row[j - 1] + 1, substitute});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) row[j] = std::min(row[j], before[j - 2] + 1);
    }
    std::swap(before, previous);
    std::swap(previous, row);
  }
  return previous[b.size()];
}

std::string closest_match(std::string_view word, std::span<const std::string_view> candidates) {
  size_t limit = std::max<size_t>(1, word.size() / 3);
  size_t best = limit + 1;
  std::string_view best_candidate;
  for (std::string_view candidate : candidates) {
    // The distance is at least the difference in length: a long mistyped key (a fuzzer's, or a
    // pasted value) costs nothing instead of a quadratic table per candidate.
    size_t length_gap = word.size() > candidate.size() ? word.size() - candidate.size()
                                                       : candidate.size() - word.size();
    if (length_gap >= best) continue;
    size_t d = edit_distance(word, candidate);
    if (d < best) {
      best = d;
      best_candidate = candidate;
    }
  }
  return std::string(best_candidate);
}

std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates) {
  std::string match = closest_match(word, candidates);
  return match.empty() ? std::string() : " (did you mean '" + match + "'?)";
}

std::string not_one_of(std::string_view what, std::string_view got, std::span<const std::string_view> words) {
  std::string list;
  for (std::string_view w : words) list += (list.empty() ? "" : ", ") + std::string(w);
  return std::string(what) + " must be one of " + list + "; got '" + std::string(got.substr(0, 80)) + "'" +
         did_you_mean(got, words);
}

}  // namespace expt
