// Poses and velocities of vehicles on the floor plane, and the small helpers their drives share.
#pragma once

#include <mujoco/mujoco.h>

#include <algorithm>
#include <cmath>

namespace twin::sim {

/// A pose on the floor: position in metres, heading (yaw about +z) in radians.
struct Pose2d {
  double x = 0, y = 0, yaw = 0;
};

/// A planar velocity command: forward speed (m/s) and yaw rate (rad/s, + turns left).
struct Twist2d {
  double v = 0, omega = 0;
};

/// The angle in (-pi, pi].
inline double WrapAngle(double angle) {
  angle = std::remainder(angle, 2 * M_PI);
  return angle <= -M_PI ? angle + 2 * M_PI : angle;
}

/// `current` moved towards `target` by at most `max_step`: a rate limiter.
inline double StepToward(double current, double target, double max_step) {
  return current + std::clamp(target - current, -max_step, max_step);
}

/// The planar pose of a free joint whose qpos starts at `qpos` (x y z, then w x y z).
inline Pose2d PlanarPose(const mjtNum* qpos) {
  const double w = qpos[3], x = qpos[4], y = qpos[5], z = qpos[6];
  return {qpos[0], qpos[1], std::atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z))};
}

}  // namespace twin::sim
