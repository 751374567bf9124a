#include <twin/base/error.h>
#include <twin/sim/behaviour.h>
#include <twin/sim/diff_drive.h>

#include <cmath>

namespace twin::sim {
namespace {

// Position-loop gain (1/s) of the lift around its velocity-controlled axis; kept below
// 0.5 / timestep so the discrete loop never overshoots.
double LiftGain(double timestep) {
  return std::min(50.0, 0.5 / timestep);
}

}  // namespace

DiffDrive::DiffDrive(const scenes::AmrSpec& spec, const World& world) : spec_(spec) {
  const mjModel* m = world.model();
  free_qpos_ = m->jnt_qposadr[world.JointId(spec.free_joint)];
  left_qpos_ = m->jnt_qposadr[world.JointId(spec.left_wheel_joint)];
  right_qpos_ = m->jnt_qposadr[world.JointId(spec.right_wheel_joint)];
  left_ctrl_ = world.ActuatorId(spec.left_wheel_actuator);
  right_ctrl_ = world.ActuatorId(spec.right_wheel_actuator);
  if (!spec.lift_joint.empty()) {
    lift_qpos_ = m->jnt_qposadr[world.JointId(spec.lift_joint)];
    lift_ctrl_ = world.ActuatorId(spec.lift_actuator);
  }
  Resync(*world.data());
  state_.ramp = WheelCommand(*world.data());
}

Twist2d DiffDrive::WheelCommand(const mjData& data) const {
  const double left = data.ctrl[left_ctrl_] * spec_.wheel_radius;
  const double right = data.ctrl[right_ctrl_] * spec_.wheel_radius;
  return {(left + right) / 2, (right - left) / spec_.track};
}

void DiffDrive::Resync(const mjData& data) {
  state_.odometry = Pose(data);
  state_.last_left = data.qpos[left_qpos_];
  state_.last_right = data.qpos[right_qpos_];
}

void DiffDrive::UpdateOdometry(const mjData& data) {
  const double left = (data.qpos[left_qpos_] - state_.last_left) * spec_.wheel_radius;
  const double right = (data.qpos[right_qpos_] - state_.last_right) * spec_.wheel_radius;
  state_.last_left = data.qpos[left_qpos_];
  state_.last_right = data.qpos[right_qpos_];
  const double distance = (left + right) / 2, turn = (right - left) / spec_.track;
  const double heading = state_.odometry.yaw + turn / 2;  // midpoint rule
  state_.odometry.x += distance * std::cos(heading);
  state_.odometry.y += distance * std::sin(heading);
  state_.odometry.yaw = WrapAngle(state_.odometry.yaw + turn);
}

void DiffDrive::Apply(const mjModel& model, mjData& data) {
  const double dt = model.opt.timestep;
  if (data.time != state_.expected_time) Resync(data);
  state_.expected_time = data.time + dt;  // exactly what mj_step adds
  UpdateOdometry(data);

  // The ramp continues from what the wheels were told last step (it lives in mjData's ctrl, so
  // a restored snapshot continues exactly as the original run did).
  state_.ramp = WheelCommand(data);
  const Twist2d target = state_.goal ? state_.goal->Update(Pose(data)) : state_.command;
  state_.ramp.v = StepToward(state_.ramp.v, target.v, spec_.max_acceleration * dt);
  state_.ramp.omega =
      StepToward(state_.ramp.omega, target.omega, spec_.max_angular_acceleration * dt);
  const double half_track = spec_.track / 2;
  data.ctrl[left_ctrl_] = (state_.ramp.v - state_.ramp.omega * half_track) / spec_.wheel_radius;
  data.ctrl[right_ctrl_] = (state_.ramp.v + state_.ramp.omega * half_track) / spec_.wheel_radius;

  if (lift_ctrl_ >= 0) {
    const double error = state_.lift_target - data.qpos[lift_qpos_];
    data.ctrl[lift_ctrl_] = std::clamp(LiftGain(dt) * error, -spec_.lift_speed, spec_.lift_speed);
  }
}

void DiffDrive::SetVelocity(double v, double omega) {
  state_.goal.reset();
  state_.command = {std::clamp(v, -spec_.max_speed, spec_.max_speed),
                    std::clamp(omega, -spec_.max_angular_speed, spec_.max_angular_speed)};
}

void DiffDrive::GoTo(const Pose2d& goal, double position_tolerance, double yaw_tolerance) {
  if (!(position_tolerance > 0) || !(yaw_tolerance > 0)) {
    throw base::Error(name() + ": go-to tolerances must be > 0 (got " +
                      std::to_string(position_tolerance) + " m, " + std::to_string(yaw_tolerance) +
                      " rad)");
  }
  GoToPoseLimits limits;
  limits.max_speed = spec_.max_speed;
  limits.max_acceleration = spec_.max_acceleration;
  limits.max_angular_speed = spec_.max_angular_speed;
  limits.max_angular_acceleration = spec_.max_angular_acceleration;
  limits.position_tolerance = position_tolerance;
  limits.yaw_tolerance = yaw_tolerance;
  state_.command = {};
  state_.goal.emplace(goal, limits);
}

void DiffDrive::SetLift(double height) {
  if (lift_ctrl_ < 0) {
    throw base::Error("AMR '" + name() +
                      "' has no payload lift; give it `lift: true` in the layout");
  }
  state_.lift_target = std::clamp(height, 0.0, spec_.lift_stroke);
}

double DiffDrive::LiftHeight(const mjData& data) const {
  return lift_qpos_ >= 0 ? data.qpos[lift_qpos_] : 0.0;
}

Pose2d DiffDrive::Pose(const mjData& data) const {
  return PlanarPose(data.qpos + free_qpos_);
}

std::vector<std::shared_ptr<DiffDrive>> AttachDiffDrives(World& world, const scenes::Site& site) {
  std::vector<std::shared_ptr<DiffDrive>> drives;
  for (const scenes::AmrSpec& spec : site.amrs) {
    auto drive = std::make_shared<DiffDrive>(spec, world);
    AttachBehaviour(world, "amr:" + spec.entity, drive);
    drives.push_back(std::move(drive));
  }
  return drives;
}

}  // namespace twin::sim
