// Where a dropped object would land: the highest colliding surface under a point, as a ray cast
// straight down finds it, with the bodies being placed left out (their geoms are still where
// the last frame left them).
#pragma once

#include <mujoco/mujoco.h>

#include <optional>
#include <vector>

namespace twin::sim {

/// The world z where a ray cast straight down from (x, y, z_top) first meets a geom that collides
/// (contype or conaffinity set), skipping the geoms of bodies whose root body is marked in
/// `ignored_root` (indexed by body id; empty = none). nullopt when the ray meets nothing.
/// Geom poses are read from `d` (mj_kinematics must be current).
std::optional<double> SurfaceBelow(const mjModel* m, const mjData* d, double x, double y,
                                   double z_top, const std::vector<bool>& ignored_root = {});

}  // namespace twin::sim
