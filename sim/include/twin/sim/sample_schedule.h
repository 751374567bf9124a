// When each sensor with a `rate:` (cameras, lidars, IMUs) takes a sample, in simulated time.
//
// Sample k of a sensor with rate r is of time k / r; it is taken at the first step whose state is
// of that time or later: step n (the state at n * timestep; World counts steps from 0 at Reset)
// takes every sample with k / r <= n * timestep (to within 1e-6 of a step, so that a sample whose
// time is a whole number of steps, mathematically, is taken at that step despite rounding). Every
// step is computed from (n, r, timestep) alone, not by adding periods up, so nothing drifts however
// long it runs, and the schedule has no state: restoring a World snapshot (or Reset) restores it.
// A sensor faster than the steps (r * timestep > 1) is due at every step and takes only its
// latest sample there (see DueSample::count).
#pragma once

#include <twin/scenes/site.h>
#include <twin/sim/world.h>

#include <cstdint>
#include <string>
#include <vector>

namespace twin::sim {

enum class SensorKind { kCamera, kLidar, kImu };

struct ScheduledSensor {
  SensorKind kind = SensorKind::kCamera;
  std::string name;
  double rate = 0;  ///< Hz of simulated time, > 0
};

/// A sensor due at a step.
struct DueSample {
  int sensor = 0;      ///< index into SampleSchedule::sensors()
  int64_t sample = 0;  ///< k: the latest sample due, of time k / rate
  double time = 0;     ///< k / rate, seconds
  int64_t count = 1;   ///< samples due at this step (> 1 only when faster than the steps)
};

class SampleSchedule {
 public:
  /// Throws twin::base::Error naming the sensor when a rate is not a finite number > 0, or when the
  /// timestep is not.
  SampleSchedule(std::vector<ScheduledSensor> sensors, double timestep);
  /// The site's cameras, lidars and IMUs (in that order, each in layout order) with their
  /// `rate:` (the layout loader has checked each is > 0, naming the file and line if not).
  static SampleSchedule FromSite(const scenes::Site& site, double timestep);

  const std::vector<ScheduledSensor>& sensors() const { return sensors_; }
  double timestep() const { return timestep_; }

  /// The sensors with a sample due at step `step` (>= 0), in sensors() order.
  std::vector<DueSample> Due(int64_t step) const;
  /// The sensors due at the state `world`'s sensor data depicts (World::sensor_step()): call it
  /// once after each World::Step and sample what it lists.
  std::vector<DueSample> Due(const World& world) const { return Due(world.sensor_step()); }

  /// How many samples of `sensor` are due at or before step `step` (>= 0).
  int64_t SamplesUpTo(int sensor, int64_t step) const;
  /// The step that takes sample `sample` of `sensor`.
  int64_t StepOf(int sensor, int64_t sample) const;

 private:
  std::vector<ScheduledSensor> sensors_;
  double timestep_ = 0;
};

}  // namespace twin::sim
