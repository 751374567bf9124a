// Routing of MuJoCo warnings to the World that is calling into MuJoCo on this thread.
#pragma once

#include <string>

namespace twin::sim::internal {

/// While alive, MuJoCo warnings raised on this thread are appended to `sink` (one per line)
/// instead of being printed. Nests; the innermost scope wins.
class WarningCapture {
 public:
  explicit WarningCapture(std::string* sink);
  ~WarningCapture();
  WarningCapture(const WarningCapture&) = delete;
  WarningCapture& operator=(const WarningCapture&) = delete;

 private:
  std::string* previous_;
};

}  // namespace twin::sim::internal
