// A time-parameterised joint trajectory, like a ROS trajectory_msgs/JointTrajectory: waypoints
// with a time from the start, interpolated joint by joint.
//
// How the points are joined depends on what they give, as in ROS's joint_trajectory_controller,
// except that positions alone get a smooth spline rather than straight lines:
//  - positions, velocities and accelerations: a quintic polynomial per segment;
//  - positions and velocities: a cubic Hermite polynomial per segment;
//  - positions only: a cubic spline with continuous velocity and acceleration through every
//    waypoint, at rest at the first and the last one.
// Every point must give the same kinds of values.
#pragma once

#include <cstddef>
#include <vector>

namespace twin::sim {

struct TrajectoryPoint {
  double time = 0;                    ///< seconds from the start of the trajectory
  std::vector<double> positions;      ///< one per joint (radians or metres)
  std::vector<double> velocities;     ///< empty, or one per joint
  std::vector<double> accelerations;  ///< empty, or one per joint (then velocities too)
};

/// Reference position, velocity and acceleration at one instant.
struct TrajectorySample {
  std::vector<double> position, velocity, acceleration;
};

/// How the waypoints are joined (see the file comment).
enum class Interpolation { kSpline, kCubic, kQuintic };

class JointTrajectory {
 public:
  /// Checks the points and fits the segments. Throws twin::base::Error naming the point (and joint)
  /// when there are none, times do not strictly increase from >= 0, sizes differ, values are not
  /// finite, or the points mix kinds of values.
  explicit JointTrajectory(std::vector<TrajectoryPoint> points);

  /// The reference at `time` seconds from the start. Before the first point it is the first
  /// point, after the last the last point, at rest.
  TrajectorySample Sample(double time) const;

  size_t joints() const { return joints_; }
  /// The time of the last point.
  double duration() const { return points_.back().time; }
  /// The points as given, except that a spline's points carry the velocities it chose.
  const std::vector<TrajectoryPoint>& points() const { return points_; }
  Interpolation interpolation() const { return interpolation_; }

 private:
  std::vector<TrajectoryPoint> points_;
  size_t joints_ = 0;
  Interpolation interpolation_ = Interpolation::kSpline;
};

}  // namespace twin::sim
