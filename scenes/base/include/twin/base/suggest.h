// "Did you mean ...?" for names typed by a person (keys, equipment types, joint names, verbs), and
// the lists of known names that messages about an unknown one end with.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace twin::base {

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

/// `names` joined with ", ": "a, b, c" ("" when there are none).
std::string JoinNames(const std::vector<std::string>& names);

/// The tail of an "unknown name" message: DidYouMean(word, known), then `intro` and
/// JoinNames(known). UnknownNameHint("lenght", {"length", "width"}, "; allowed here: ") is " (did
/// you mean 'length'?); allowed here: length, width".
std::string UnknownNameHint(std::string_view word, const std::vector<std::string>& known,
                            std::string_view intro);

}  // namespace twin::base
