#include <twin/base/suggest.h>

#include <algorithm>
#include <cctype>

namespace twin::base {

namespace {
std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace

// Optimal string alignment distance: Levenshtein plus the swap of two neighbours ("lenght"),
// the commonest typo, counted as one edit.
int EditDistance(std::string_view a, std::string_view b) {
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

std::vector<std::string> ClosestMatches(std::string_view word,
                                        const std::vector<std::string>& candidates,
                                        size_t max_results) {
  const std::string lower = Lower(word);
  const int limit = std::max(2, static_cast<int>(word.size()) / 3);
  std::vector<std::pair<int, std::string>> scored;
  for (const std::string& candidate : candidates) {
    const int d = EditDistance(lower, Lower(candidate));
    if (d <= limit) scored.emplace_back(d, candidate);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  // Only the closest: "lenght" suggests 'length' (one swap), not also 'height' (two edits).
  std::vector<std::string> out;
  for (size_t i = 0; i < scored.size() && i < max_results; ++i) {
    if (scored[i].first > scored[0].first) break;
    out.push_back(scored[i].second);
  }
  return out;
}

std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates) {
  const std::vector<std::string> close = ClosestMatches(word, candidates);
  if (close.empty()) return "";
  std::string text = " (did you mean ";
  for (size_t i = 0; i < close.size(); ++i) {
    if (i > 0) text += (i + 1 == close.size()) ? " or " : ", ";
    text += "'" + close[i] + "'";
  }
  return text + "?)";
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

std::string UnknownNameHint(std::string_view word, const std::vector<std::string>& known,
                            std::string_view intro) {
  return DidYouMean(word, known) + std::string(intro) + JoinNames(known);
}

}  // namespace twin::base
