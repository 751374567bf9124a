// "Did you mean ...?" for names typed by a person (keys, equipment types, joint names, verbs).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace twin {

/// Edit distance: insertions, deletions, substitutions and swaps of neighbours count one each.
int EditDistance(std::string_view a, std::string_view b);

/// The candidates closest to `word` (case-insensitive): those at the smallest distance, if that
/// distance is one a typo could explain (a third of the word's length, at least 2); at most
/// `max_results`.
std::vector<std::string> ClosestMatches(std::string_view word,
                                        const std::vector<std::string>& candidates,
                                        size_t max_results = 3);

/// " (did you mean 'a' or 'b'?)" or "" when nothing is close.
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace twin
