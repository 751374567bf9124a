// Beam-break (light barrier) states, from the rangefinder a layout's `beam_breaks:` entry expands
// to (scenes/src/layout_sensors.cpp: a site "<name>" at `from` with its +z axis towards `to`, an
// MJCF rangefinder "<name>/range" on it). MuJoCo's rangefinder casts mj_ray from the site along
// its +z, ignoring the body the site is on (for a beam mounted on the world: the world body's own
// geoms, such as the floor), and reads -1 when the ray hits nothing.
#pragma once

#include <twin/scenes/site.h>
#include <twin/sim/world.h>

#include <string>

namespace twin::sim {

struct BeamBreakReading {
  std::string name;   ///< BeamBreakSpec::name
  double stamp = 0;   ///< the simulated time it depicts: World::sensor_time()
  double range = -1;  ///< metres from `from` to the nearest surface on the ray; -1: none at all
  /// Something is in the beam: IsBeamBroken(range, the beam's length).
  bool broken = false;
};

/// A surface within 1 mm of the beam's end counts as the end itself (a reflector or the wall
/// `to` lies on), not as something in the beam.
inline constexpr double kBeamEndTolerance = 1e-3;

/// Whether a rangefinder reading `range` along a beam `length` long means it is broken:
/// 0 <= range < length - kBeamEndTolerance.
inline bool IsBeamBroken(double range, double length) {
  return range >= 0 && range < length - kBeamEndTolerance;
}

/// The current state of `beam` in `world` (a world made from the layout that declared it).
/// Throws twin::base::Error naming the missing sensor otherwise.
BeamBreakReading ReadBeamBreak(const World& world, const scenes::BeamBreakSpec& beam);

}  // namespace twin::sim
