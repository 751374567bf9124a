// One self-updating progress line on a terminal (done/total, rate, ETA); silent when stderr is not
// a terminal or CI is set, so logs and tests stay clean.
#pragma once

#include <chrono>
#include <string>

namespace twin::tools {

class ProgressLine {
 public:
  /// `unit` names what `done` counts, e.g. "s sim" or "frames".
  ProgressLine(std::string label, double total, std::string unit);
  ~ProgressLine();

  /// Redraws at most a few times a second; cheap to call often.
  void Update(double done);
  /// Clears the line (also done by the destructor).
  void Finish();

  bool enabled() const { return enabled_; }

 private:
  using Clock = std::chrono::steady_clock;
  std::string label_;
  std::string unit_;
  double total_;
  bool enabled_;
  bool drawn_ = false;
  Clock::time_point start_;
  Clock::time_point last_draw_;
};

}  // namespace twin::tools
