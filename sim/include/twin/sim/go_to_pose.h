// A go-to-pose controller for a unicycle (differential-drive) vehicle: turn towards the goal,
// drive to it, turn to the goal's heading. It is what AMR fleet managers do on open floor, it
// never orbits the goal (it only drives while facing it), and it brakes in time for the goal
// under the vehicle's acceleration limits, so a rate-limited drive stops on the spot.
#pragma once

#include <twin/sim/planar.h>

namespace twin::sim {

struct GoToPoseLimits {
  double max_speed = 1.0;                 ///< m/s
  double max_acceleration = 0.5;          ///< m/s^2
  double max_angular_speed = 1.0;         ///< rad/s
  double max_angular_acceleration = 1.0;  ///< rad/s^2
  double position_tolerance = 0.02;       ///< m
  double yaw_tolerance = 0.02;            ///< rad
  /// Goals closer than this behind the vehicle are reached backwards instead of turning round.
  double reverse_distance = 1.0;  ///< m
};

class GoToPose {
 public:
  GoToPose(const Pose2d& goal, const GoToPoseLimits& limits);

  /// The velocity command for a vehicle at `pose`; zero once the goal is reached.
  Twist2d Update(const Pose2d& pose);

  bool reached() const { return phase_ == Phase::kReached; }
  const Pose2d& goal() const { return goal_; }

 private:
  enum class Phase { kDrive, kAlign, kReached };
  Twist2d Drive(const Pose2d& pose, double distance) const;
  Twist2d Align(const Pose2d& pose);

  Pose2d goal_;
  GoToPoseLimits limits_;
  Phase phase_ = Phase::kDrive;
};

}  // namespace twin::sim
