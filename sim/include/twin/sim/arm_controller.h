// The motion controller of a 6-axis arm: joint position targets and trajectory following, the
// behaviour behind every `type: arm` of a site.
//
// Every step it samples the reference (a held position, or a JointTrajectory) and commands the
// arm's position servos the way an industrial arm controller does: proportional-derivative on the
// tracking error plus a model-based feedforward torque, gravity and Coriolis (MuJoCo's
// qfrc_bias), inertia times the reference acceleration (mj_mulM, armature included) and the joint
// damping at the reference velocity. The servo's force is kp (ctrl - q) - kv qdot, so the
// feedforward and the velocity term travel in ctrl:
//   ctrl = q_ref + (kv qdot_ref + tau_ff) / kp,
// and the servo's force range (the motor's torque limit) bounds the total, as on the real arm.
// The model quantities are those of the previous step's forward pass, one step old.
//
// The reference, the trajectory, the payload and the base pose are the controller's State, saved
// and restored with the world's snapshots (sim/behaviour.h); set_feedforward is a setting, not
// state.
#pragma once

#include <twin/scenes/site.h>
#include <twin/sim/arm_kinematics.h>
#include <twin/sim/joint_trajectory.h>
#include <twin/sim/world.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace twin::sim {

class ArmController {
 public:
  /// Finds the arm's joints and servos in the world's model (throws twin::base::Error if one is
  /// missing) and holds the arm where it is.
  ArmController(const scenes::ArmSpec& arm, const World& world);

  /// The pre-step hook: samples the reference at data.time and writes the servos' ctrl. When time
  /// goes backwards without a Restore (World::Reset) it drops the running trajectory and holds
  /// the arm where it now is; a trajectory given since the last step still starts.
  void Apply(const mjModel& model, mjData& data);

  /// Holds `q` (radians) from the next step on; a jump away from the arm's pose is the servos'
  /// to make. Throws twin::base::Error for a target outside the joint limits.
  void Hold(const JointVector& q);
  /// Moves smoothly (at rest at both ends) from the current reference to `q` in `duration` s.
  void MoveTo(const JointVector& q, double duration);
  /// Follows a 6-joint trajectory whose times count from the next step. When its first point is
  /// later than 0 s, it starts from the reference at that step (position, and the rates the
  /// trajectory's kind carries), as ROS's joint_trajectory_controller does. Every waypoint must be
  /// within the joint limits (twin::base::Error otherwise). A trajectory replaces the one before.
  void Follow(const JointTrajectory& trajectory);
  /// Holds the current reference position, abandoning any trajectory.
  void Stop();

  /// True when no trajectory is running (or the last one has reached its end).
  bool done() const;
  /// The reference (position, velocity) the servos aimed at in the last step.
  const JointVector& reference() const { return state_.reference; }
  const JointVector& reference_velocity() const { return state_.reference_velocity; }
  /// reference() minus the measured joint angles at the start of the last step, radians.
  const JointVector& tracking_error() const { return state_.tracking_error; }
  /// The measured joint angles now.
  JointVector Positions(const World& world) const;

  /// A load carried at the flange (a gripped carton), like a UR controller's payload setting:
  /// its weight joins the gravity feedforward. `centre_of_mass` is in the flange frame. Mass 0
  /// clears it; throws twin::base::Error for a negative or non-finite mass.
  void SetPayload(double mass, const scenes::Vec3& centre_of_mass);
  double payload_mass() const { return state_.payload_mass; }

  /// Gravity and dynamics feedforward (on by default); off leaves plain position servos.
  void set_feedforward(bool on) { feedforward_ = on; }
  const scenes::ArmSpec& spec() const { return spec_; }
  /// Kinematics with the base where it was at the last step (where the layout put it before the
  /// first), so an arm on a moving base (an AMR) solves in the right place.
  const ArmKinematics& kinematics() const { return kinematics_; }

  /// What changes while it runs.
  struct State {
    JointVector hold{};
    std::optional<JointTrajectory> pending;  ///< starts at the next Apply
    std::optional<JointTrajectory> trajectory;
    double start_time = 0;
    double last_time = -1;
    JointVector reference{}, reference_velocity{}, reference_acceleration{}, tracking_error{};
    double payload_mass = 0;
    scenes::Vec3 payload_com{};
    scenes::Pose base;  ///< of the kinematics, as the last step saw it
  };
  State SaveState() const;
  void RestoreState(const State& state);

 private:
  void UpdateBase(const mjData& data);
  void Start(const mjData& data);  // the pending trajectory, from the reference now
  void CheckLimits(const JointVector& q, const std::string& what) const;

  scenes::ArmSpec spec_;
  ArmKinematics kinematics_;
  std::array<int, 6> qpos_{}, dof_{}, actuator_{};
  int flange_site_ = -1, flange_body_ = -1, base_body_ = -1;
  bool feedforward_ = true;

  State state_;  // but the base, which lives in kinematics_
  std::vector<mjtNum> scratch_acc_, scratch_force_, scratch_jac_;  // nv-sized (jac: 3 x nv)
};

/// Creates a controller for `arm` and attaches it to `world` as a behaviour.
std::shared_ptr<ArmController> AttachArmController(World& world, const scenes::ArmSpec& arm);

}  // namespace twin::sim
