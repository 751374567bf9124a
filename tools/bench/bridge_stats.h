// What `twin bench bridge` computes from the records its processes write (pure functions of
// them): latencies matched by stamp, lockstep round trips, whether a control rate held, drift.
// Times are CLOCK_MONOTONIC nanoseconds, shared by every process on the machine.
#pragma once

#include "timing_transport.h"

#include <cstdint>
#include <string>
#include <vector>

namespace twin::tools {

/// The lines of one process's record file ("KIND STAMP_NS TIME_NS [DUE_NS]").
struct BridgeRecords {
  std::vector<TimedMessage> image, state, clock, command;
  int64_t reanchors = 0, lost_ns = 0;  ///< the pacer's, from twin's side
  int64_t frames = 0, late_frames = 0;
};
/// Reads a record file; throws twin::base::Error naming it when it is missing or malformed.
BridgeRecords ReadBridgeRecords(const std::string& path);

/// The q-quantile (0..1) by nearest rank; NaN for no values.
double Percentile(std::vector<double> values, double q);

struct ImageLatencies {
  std::vector<double> transport_ms;  ///< receipt - hand-off
  std::vector<double> sensor_ms;     ///< receipt - wall time the depicted sim time was due
  int sent = 0, lost = 0;            ///< of the timed images: sent, never received
};
/// The images sent[skip, skip + count) matched by stamp with their receipts.
ImageLatencies MatchImages(const std::vector<TimedMessage>& sent,
                           const std::vector<TimedMessage>& received, int skip, int count);

struct RoundTrips {
  std::vector<double> answer_ms;  ///< state handed over -> the command's arrival in twin
  std::vector<double> step_ms;    ///< state handed over -> the next step done (its /clock)
  int unanswered = 0;
};
/// Lockstep: for states[skip, skip + count), the first command after each and the first /clock
/// after that command.
RoundTrips LockstepRoundTrips(const BridgeRecords& twin, int skip, int count);

struct RateCheck {
  int states = 0;         ///< states in the measured window
  int late = 0;           ///< of those, not answered before sim time t + period was due
  double worst_ms = 0;    ///< the slowest first answer after a state's hand-off
  double camera_fps = 0;  ///< images received per wall second in the window
  bool holds() const { return states > 0 && late == 0 && camera_fps > 0; }
};
/// Realtime: the states handed over from `warmup_s` after the first command to the run's end
/// (the last state left out: its answer may come after twin stopped); an answer in time is a
/// command that arrives between a state's hand-off and the wall time at which its sim time t
/// plus `period_s` is due.
RateCheck CheckRate(const BridgeRecords& twin, const std::vector<TimedMessage>& images_received,
                    double period_s, double warmup_s);

struct Drift {
  bool measured = false;
  double ms_per_minute = 0;  ///< wall minus sim time gained per simulated minute
  double sim_seconds = 0;    ///< over this much sim time
};
/// Realtime: the lower envelope of (wall - sim) over the /clock hand-offs, one point per second
/// of sim time (the on-time steps; a step delayed by a render is not drift), fitted by least
/// squares; the first second (start-up) is left out. Not measured under 3 s or when the pacer
/// re-anchored.
Drift MeasureDrift(const BridgeRecords& twin);

}  // namespace twin::tools
