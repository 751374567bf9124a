#include <twin/base/error.h>
#include <twin/sim/go_to_pose.h>

#include <cmath>

namespace twin::sim {
namespace {

// Proportional gains of the final approach (1/s): below the braking curve the speed is
// proportional to what is left, so the command fades out instead of stepping to zero.
constexpr double kDistanceGain = 1.0;
constexpr double kHeadingGain = 2.0;
// The vehicle drives only while the goal is within this angle of its heading; beyond, it turns
// in place first.
constexpr double kDriveCone = M_PI / 4;

// The highest speed from which `max_acceleration` stops within `distance` (with 20 % margin for
// the drive's lag), capped at `max_speed` and, near the end, proportional to `distance`.
double BrakingSpeed(double distance, double max_speed, double max_acceleration, double gain) {
  return std::min({max_speed, std::sqrt(2 * 0.8 * max_acceleration * distance), gain * distance});
}

}  // namespace

GoToPose::GoToPose(const Pose2d& goal, const GoToPoseLimits& limits)
    : goal_{goal.x, goal.y, WrapAngle(goal.yaw)}, limits_(limits) {
  TWIN_DEMAND(limits.max_speed > 0 && limits.max_acceleration > 0);
  TWIN_DEMAND(limits.max_angular_speed > 0 && limits.max_angular_acceleration > 0);
  TWIN_DEMAND(limits.position_tolerance > 0 && limits.yaw_tolerance > 0);
}

Twist2d GoToPose::Update(const Pose2d& pose) {
  const double distance = std::hypot(goal_.x - pose.x, goal_.y - pose.y);
  // Back to driving if the vehicle was pushed (or slid) off the goal while aligning.
  if (phase_ == Phase::kAlign && distance > 2 * limits_.position_tolerance) phase_ = Phase::kDrive;
  if (phase_ == Phase::kDrive && distance <= limits_.position_tolerance) phase_ = Phase::kAlign;
  switch (phase_) {
    case Phase::kDrive: return Drive(pose, distance);
    case Phase::kAlign: return Align(pose);
    case Phase::kReached: break;
  }
  return {};
}

Twist2d GoToPose::Drive(const Pose2d& pose, double distance) const {
  double heading_error = WrapAngle(std::atan2(goal_.y - pose.y, goal_.x - pose.x) - pose.yaw);
  double direction = 1;
  if (std::abs(heading_error) > M_PI / 2 && distance < limits_.reverse_distance) {
    heading_error = WrapAngle(heading_error + M_PI);  // face away from the goal, back up to it
    direction = -1;
  }
  Twist2d command;
  const double turn = BrakingSpeed(std::abs(heading_error), limits_.max_angular_speed,
                                   limits_.max_angular_acceleration, kHeadingGain);
  command.omega = std::copysign(turn, heading_error);
  if (std::abs(heading_error) < kDriveCone) {
    command.v = direction * std::cos(heading_error) *
                BrakingSpeed(distance, limits_.max_speed, limits_.max_acceleration, kDistanceGain);
  }
  return command;
}

Twist2d GoToPose::Align(const Pose2d& pose) {
  const double error = WrapAngle(goal_.yaw - pose.yaw);
  if (std::abs(error) <= limits_.yaw_tolerance) {
    phase_ = Phase::kReached;
    return {};
  }
  const double turn = BrakingSpeed(std::abs(error), limits_.max_angular_speed,
                                   limits_.max_angular_acceleration, kHeadingGain);
  return {0, std::copysign(turn, error)};
}

}  // namespace twin::sim
