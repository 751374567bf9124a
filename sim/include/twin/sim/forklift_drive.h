// The drive of a counterbalanced forklift: the behaviour behind every `type: forklift` of a site.
//
// Before every step it ramps the travel speed towards its command at the truck's acceleration
// limit and the steer angle at its steering rate, gives the two front drive wheels the speeds an
// electronic differential would for the rear wheel's actual steer angle (the truck turns about a
// point on the front axle line, yaw rate = -v tan(steer) / wheelbase), and holds the lift height
// and mast tilt at their targets, moving them at the rated lift and tilt speeds. The lift height
// is the forks' rise above their lowest position: the carriage takes the first `free_lift`
// metres, then the inner mast extends; going down, the inner mast retracts first.
//
// Apart from the commands (its State, saved and restored with the world's snapshots:
// sim/behaviour.h) it holds no state: the speed and steering ramps continue from the wheel and
// steering controls in mjData, so Snapshot/Restore continue bit-exactly.
#pragma once

#include <twin/scenes/site.h>
#include <twin/sim/planar.h>
#include <twin/sim/world.h>

#include <memory>
#include <string>
#include <vector>

namespace twin::sim {

class ForkliftDrive {
 public:
  /// Finds the forklift's joints and actuators in the world's model; throws twin::base::Error.
  ForkliftDrive(const scenes::ForkliftSpec& spec, const World& world);

  /// The pre-step hook.
  void Apply(const mjModel& model, mjData& data);

  /// Travel speed of the front axle's middle, m/s (+ towards the forks), clamped to max_speed.
  void SetSpeed(double speed);
  /// Rear wheel steer angle, rad (+ turns the wheel left, so the truck turns right going
  /// forward), clamped to max_steer.
  void SetSteer(double angle);
  /// Fork lift above the lowest position, m, clamped to [0, lift_height].
  void SetLift(double height);
  /// Mast tilt, rad (+ back), clamped to [-tilt_forward, tilt_back].
  void SetTilt(double angle);

  double speed_command() const { return state_.speed_command; }
  double steer_command() const { return state_.steer_command; }
  double lift_target() const { return state_.lift_target; }
  double tilt_target() const { return state_.tilt_target; }
  /// The rate-limited speed the wheels were given at the last step.
  double Speed(const mjData& data) const;

  /// Measured fork lift (both mast stages), steer angle and tilt.
  double LiftHeight(const mjData& data) const;
  double SteerAngle(const mjData& data) const;
  double Tilt(const mjData& data) const;
  /// Ground truth: the pose of the truck's origin (the middle of the front axle, on the floor).
  Pose2d Pose(const mjData& data) const;

  const scenes::ForkliftSpec& spec() const { return spec_; }
  const std::string& name() const { return spec_.entity; }

  /// What changes while it runs: the commands.
  struct State {
    double speed_command = 0, steer_command = 0, lift_target = 0, tilt_target = 0;
  };
  State SaveState() const { return state_; }
  void RestoreState(const State& state) { state_ = state; }

 private:
  scenes::ForkliftSpec spec_;
  int free_qpos_ = -1, steer_qpos_ = -1, tilt_qpos_ = -1, mast_qpos_ = -1, lift_qpos_ = -1;
  int left_ctrl_ = -1, right_ctrl_ = -1, steer_ctrl_ = -1;
  int tilt_ctrl_ = -1, mast_ctrl_ = -1, lift_ctrl_ = -1;

  State state_;
};

/// Creates a drive for each forklift of the site and attaches each to `world` as a behaviour.
std::vector<std::shared_ptr<ForkliftDrive>> AttachForkliftDrives(World& world,
                                                                 const scenes::Site& site);

}  // namespace twin::sim
