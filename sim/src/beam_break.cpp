#include <twin/base/error.h>
#include <twin/sim/beam_break.h>

namespace twin::sim {

BeamBreakReading ReadBeamBreak(const World& world, const scenes::BeamBreakSpec& beam) {
  const mjModel* m = world.model();
  const int sensor = world.SensorId(beam.sensor);
  if (m->sensor_type[sensor] != mjSENS_RANGEFINDER) {
    throw base::Error(world.name() + ": beam-break sensor '" + beam.name +
                      "' needs a rangefinder '" + beam.sensor + "'");
  }
  BeamBreakReading reading;
  reading.name = beam.name;
  reading.stamp = world.sensor_time();
  reading.range = world.data()->sensordata[m->sensor_adr[sensor]];
  reading.broken = IsBeamBroken(reading.range, beam.length);
  return reading;
}

}  // namespace twin::sim
