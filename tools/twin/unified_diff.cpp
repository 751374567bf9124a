// Unified diff by longest common subsequence of lines (layouts are small: thousands of lines).
#include "unified_diff.h"

#include <algorithm>
#include <vector>

namespace twin::tools {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    const size_t nl = text.find('\n', start);
    const size_t end = nl == std::string::npos ? text.size() : nl;
    lines.push_back(text.substr(start, end - start) + (nl == std::string::npos ? "" : "\n"));
    start = end + 1;
  }
  return lines;
}

struct Op {
  char kind;    // ' ', '-', '+'
  size_t a, b;  // line indices (into before/after) of this op
};

}  // namespace

std::string UnifiedDiff(const std::string& before, const std::string& after,
                        const std::string& name) {
  if (before == after) return "";
  const std::vector<std::string> a = Lines(before), b = Lines(after);
  // Common prefix and suffix first, LCS over the middle only.
  size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head &&
         a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) {
    ++tail;
  }
  const size_t n = a.size() - head - tail, m = b.size() - head - tail;
  std::vector<std::vector<unsigned>> lcs(n + 1, std::vector<unsigned>(m + 1, 0));
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      lcs[i][j] = a[head + i] == b[head + j] ? lcs[i + 1][j + 1] + 1
                                             : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::vector<Op> ops;
  for (size_t i = 0; i < head; ++i) ops.push_back({' ', i, i});
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[head + i] == b[head + j]) {
      ops.push_back({' ', head + i++, head + j++});
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      ops.push_back({'-', head + i++, head + j});
    } else {
      ops.push_back({'+', head + i, head + j++});
    }
  }
  for (size_t k = 0; k < tail; ++k) ops.push_back({' ', head + n + k, head + m + k});

  std::string out = "--- " + name + "\n+++ " + name + " (formatted)\n";
  constexpr size_t kContext = 3;
  size_t k = 0;
  while (k < ops.size()) {
    if (ops[k].kind == ' ') {
      ++k;
      continue;
    }
    // A hunk: from kContext before this change to kContext after the last change within reach.
    const size_t first = k >= kContext ? k - kContext : 0;
    size_t last = k;
    for (size_t q = k; q < ops.size() && q <= last + 2 * kContext; ++q) {
      if (ops[q].kind != ' ') last = q;
    }
    const size_t end = std::min(ops.size(), last + kContext + 1);
    size_t a_count = 0, b_count = 0;
    std::string body;
    for (size_t q = first; q < end; ++q) {
      const std::string& line = ops[q].kind == '+' ? b[ops[q].b] : a[ops[q].a];
      body += ops[q].kind + line;
      if (line.empty() || line.back() != '\n') body += "\n\\ No newline at end of file\n";
      a_count += ops[q].kind != '+';
      b_count += ops[q].kind != '-';
    }
    out += "@@ -" + std::to_string(ops[first].a + (a_count ? 1 : 0)) + "," +
           std::to_string(a_count) + " +" + std::to_string(ops[first].b + (b_count ? 1 : 0)) + "," +
           std::to_string(b_count) + " @@\n" + body;
    k = end;
  }
  return out;
}

}  // namespace twin::tools
