// Where the loader lists mistakes when checking (layout_diagnostics.h) instead of throwing the
// first.
#pragma once

#include <twin/base/error.h>
#include <twin/scenes/layout_diagnostics.h>

#include <cstddef>
#include <set>
#include <string>
#include <vector>

namespace twin::scenes::internal {

struct DiagnosticsCollector {
  explicit DiagnosticsCollector(size_t limit) : limit(limit) {}
  /// Thrown by Add once the list is full: checking stops there.
  struct Full {};

  size_t limit;
  std::vector<Diagnostic> list;
  bool truncated = false;
  /// Items left out for a mistake of their own (full names).
  std::set<std::string> left_out;

  /// Whether `mount` is an item left out or one of its places ("rack/bay1").
  bool LeftOut(const std::string& mount) const;
  /// Lists an error (its position and key path when the loader gave them).
  void Add(const base::Error& error);
  void AddWarning(const std::string& text);
};

}  // namespace twin::scenes::internal
