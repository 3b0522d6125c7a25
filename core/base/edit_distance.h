#pragma once
// Edit distance, for "did you mean" hints on misspelt fields, keys, values and subcommands.

#include <span>
#include <string>
#include <string_view>

namespace expt {

// The number of single-character insertions, deletions, substitutions and swaps of two adjacent
// characters turning a into b (optimal string alignment: a swap is the commonest typo).
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` if it is close enough to be a plausible typo (distance at
// most a third of the word's length, and at least 1 allowed); otherwise empty.
std::string closest_match(std::string_view word, std::span<const std::string_view> candidates);

// " (did you mean 'x'?)" for the closest match, or "" when none is close: the suffix every
// "unknown ..." message appends.
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

// "--status must be one of draft, running, stopped, archived; got 'runing' (did you mean
// 'running'?)": the message for a value outside a closed set of words.
std::string not_one_of(std::string_view what, std::string_view got, std::span<const std::string_view> words);

}  // namespace expt
