// The drive of a differential-drive AMR: the behaviour behind every `type: amr` of a site.
//
// Before every step it takes the velocity command (v, omega), or the go-to-pose controller's
// command while a goal is set, limits its rates of change to the robot's acceleration limits,
// turns it into wheel speeds (v -+ omega * track / 2) / radius for the wheel motors, integrates
// wheel odometry from the wheel encoders, and holds the payload lift at its target height.
//
// The robot moves only through its wheels' friction on the floor, so what it does (slip, lag,
// being blocked) is physics, not the command replayed. The ramp lives in mjData (the wheel
// controls); the command, the goal, the lift target and the odometry are the drive's State, saved
// and restored with the world's snapshots (sim/behaviour.h), so Snapshot/Restore continue
// bit-exactly. When the world jumps in time otherwise (Reset) the odometry restarts from the true
// pose, and a go-to-pose goal continues from wherever the robot is.
#pragma once

#include <twin/scenes/site.h>
#include <twin/sim/go_to_pose.h>
#include <twin/sim/planar.h>
#include <twin/sim/world.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace twin::sim {

class DiffDrive {
 public:
  /// Finds the AMR's joints and actuators in the world's model; throws twin::base::Error if
  /// missing.
  DiffDrive(const scenes::AmrSpec& spec, const World& world);

  /// The pre-step hook.
  void Apply(const mjModel& model, mjData& data);

  /// Commands a forward speed (m/s) and yaw rate (rad/s, + turns left), each clamped to the
  /// robot's limits; the drive reaches it at the acceleration limits. Cancels a goal.
  void SetVelocity(double v, double omega);
  /// SetVelocity(0, 0): brake to a stop at the acceleration limits.
  void Stop() { SetVelocity(0, 0); }
  /// Drives to `goal` (world frame) with the go-to-pose controller, from the robot's true pose
  /// (what a localised AMR knows); default tolerances 2 cm and 0.02 rad.
  void GoTo(const Pose2d& goal, double position_tolerance = 0.02, double yaw_tolerance = 0.02);
  bool goal_active() const { return state_.goal.has_value(); }
  /// True once the goal set by GoTo() was reached (the drive then holds still).
  bool goal_reached() const { return state_.goal && state_.goal->reached(); }

  /// Lift target in metres above the lowered deck, clamped to the stroke. Throws twin::base::Error
  /// when the AMR has no lift.
  void SetLift(double height);
  double lift_target() const { return state_.lift_target; }
  /// Measured lift height (m above lowered), 0 without a lift.
  double LiftHeight(const mjData& data) const;

  /// The command as asked for (after clamping to the limits).
  Twist2d command() const { return state_.command; }
  /// The rate-limited command the wheels follow this step.
  Twist2d velocity() const { return state_.ramp; }
  /// Ground truth: the pose of the robot's origin.
  Pose2d Pose(const mjData& data) const;
  /// Wheel odometry: the pose integrated from the wheel encoders since the drive started (or
  /// the world jumped in time), starting from the true pose then.
  const Pose2d& odometry() const { return state_.odometry; }

  const scenes::AmrSpec& spec() const { return spec_; }
  const std::string& name() const { return spec_.entity; }

  /// What changes while it runs.
  struct State {
    Twist2d command, ramp;
    std::optional<GoToPose> goal;
    double lift_target = 0;
    Pose2d odometry;
    double last_left = 0, last_right = 0;  ///< wheel angles at the last update
    double expected_time = -1;             ///< data.time of the next step, when it continues
  };
  State SaveState() const { return state_; }
  void RestoreState(const State& state) { state_ = state; }

 private:
  void Resync(const mjData& data);
  Twist2d WheelCommand(const mjData& data) const;
  void UpdateOdometry(const mjData& data);

  scenes::AmrSpec spec_;
  int free_qpos_ = -1;
  int left_qpos_ = -1, right_qpos_ = -1;
  int left_ctrl_ = -1, right_ctrl_ = -1;
  int lift_qpos_ = -1, lift_ctrl_ = -1;

  State state_;
};

/// Creates a drive for each AMR of the site and attaches each to `world` as a behaviour.
std::vector<std::shared_ptr<DiffDrive>> AttachDiffDrives(World& world, const scenes::Site& site);

}  // namespace twin::sim
