// Paces a simulation to the wall clock for `twin hil --mode realtime`.
//
// Sim time t is due at wall time anchor_wall + (t - anchor_sim) / factor. Every deadline is
// computed from the anchor, never from the previous wait, and the wait is an absolute sleep
// (clock_nanosleep TIMER_ABSTIME on CLOCK_MONOTONIC): a late wake-up delays one step, it never
// shifts the ones after it, so the sim does not drift from the wall clock however long it runs.
//
// When the sim falls behind (a slow render, a loaded machine) it catches up by not sleeping, so
// sim time and wall time meet again. Behind by more than `max_catch_up`, it gives up catching up:
// it re-anchors at the current step and counts the lost time (a person sees it in the hil report),
// rather than running at full speed for seconds to make good a stall.
#pragma once

#include <cstdint>
#include <functional>

namespace twin::bridge {

/// A monotonic clock in nanoseconds, and an absolute sleep on it. Tests pass a fake one.
struct PacerClock {
  std::function<int64_t()> now_ns;
  std::function<void(int64_t deadline_ns)> sleep_until_ns;
};
/// CLOCK_MONOTONIC and clock_nanosleep(TIMER_ABSTIME).
PacerClock MonotonicClock();

struct PacerOptions {
  double factor = 1.0;        ///< sim seconds per wall second (> 0)
  double max_catch_up = 0.5;  ///< wall seconds behind after which the pacer re-anchors
  /// Behind by more than this when a step is due counts it late (the default: a 30 Hz frame).
  double late_after = 1.0 / 30;
};

struct PacerStats {
  int64_t waits = 0;        ///< calls of WaitUntil
  int64_t late = 0;         ///< of those, reached more than late_after behind
  int64_t reanchors = 0;    ///< times the pacer gave up catching up
  double worst_behind = 0;  ///< wall seconds, the most any step was behind
  double lost_time = 0;     ///< wall seconds given up by re-anchoring
};

class RealtimePacer {
 public:
  explicit RealtimePacer(PacerOptions options = {}, PacerClock clock = MonotonicClock());

  /// Sim time `sim_time` happens now (at start, after a pause, reset or factor change).
  void Anchor(double sim_time);
  /// Sleeps until `sim_time` is due; returns the wall seconds it was behind (0 when on time).
  /// Anchors at `sim_time` when never anchored.
  double WaitUntil(double sim_time);

  /// Wall seconds from when `sim_time` was due until now (negative: it is not due yet).
  double Behind(double sim_time) const;

  /// The monotonic clock's time (ns) at which `sim_time` is due from the current anchor.
  int64_t DeadlineNs(double sim_time) const;
  bool anchored() const { return anchored_; }

  /// Changes the factor from now on (re-anchors at the last sim time waited for).
  void SetFactor(double factor);
  double factor() const { return options_.factor; }
  const PacerStats& stats() const { return stats_; }

 private:
  PacerOptions options_;
  PacerClock clock_;
  bool anchored_ = false;
  double anchor_sim_ = 0, last_sim_ = 0;
  int64_t anchor_wall_ns_ = 0;
  PacerStats stats_;
};

}  // namespace twin::bridge
