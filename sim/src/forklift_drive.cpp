#include <twin/sim/behaviour.h>
#include <twin/sim/forklift_drive.h>

#include <cmath>

namespace twin::sim {
namespace {

// Position-loop gain (1/s) around the velocity-controlled mast axes; kept below 0.5 / timestep
// so the discrete loop never overshoots. The axes hold a load with an error of about
// load / (damping * gain): a few millimetres at the rated load.
double AxisGain(double timestep) {
  return std::min(50.0, 0.5 / timestep);
}

// Speed command for a velocity-controlled axis: towards `target`, at most `max_speed`.
double AxisCommand(double target, double position, double max_speed, double timestep) {
  return std::clamp(AxisGain(timestep) * (target - position), -max_speed, max_speed);
}

// How close (m) a mast stage must be to its end before the other stage moves.
constexpr double kStageTolerance = 0.005;

}  // namespace

ForkliftDrive::ForkliftDrive(const scenes::ForkliftSpec& spec, const World& world) : spec_(spec) {
  const mjModel* m = world.model();
  auto qpos = [&](const std::string& joint) { return m->jnt_qposadr[world.JointId(joint)]; };
  free_qpos_ = qpos(spec.free_joint);
  steer_qpos_ = qpos(spec.steer_joint);
  tilt_qpos_ = qpos(spec.tilt_joint);
  mast_qpos_ = qpos(spec.mast_joint);
  lift_qpos_ = qpos(spec.lift_joint);
  left_ctrl_ = world.ActuatorId(spec.left_wheel_actuator);
  right_ctrl_ = world.ActuatorId(spec.right_wheel_actuator);
  steer_ctrl_ = world.ActuatorId(spec.steer_actuator);
  tilt_ctrl_ = world.ActuatorId(spec.tilt_actuator);
  mast_ctrl_ = world.ActuatorId(spec.mast_actuator);
  lift_ctrl_ = world.ActuatorId(spec.lift_actuator);
  // Start from where the mast is, so attaching the drive moves nothing.
  state_.lift_target = LiftHeight(*world.data());
  state_.tilt_target = Tilt(*world.data());
}

void ForkliftDrive::Apply(const mjModel& model, mjData& data) {
  const double dt = model.opt.timestep;

  // Steering, and the front wheels as an electronic differential for the actual steer angle.
  data.ctrl[steer_ctrl_] =
      StepToward(data.ctrl[steer_ctrl_], state_.steer_command, spec_.steer_rate * dt);
  const double speed = StepToward(Speed(data), state_.speed_command, spec_.max_acceleration * dt);
  const double yaw_rate = -speed * std::tan(SteerAngle(data)) / spec_.wheelbase;
  data.ctrl[left_ctrl_] = (speed - yaw_rate * spec_.track / 2) / spec_.wheel_radius;
  data.ctrl[right_ctrl_] = (speed + yaw_rate * spec_.track / 2) / spec_.wheel_radius;

  // Mast: the carriage rises through the free lift before the inner mast extends, and comes
  // down only once the inner mast is in. A stage that waits holds its end of travel (the
  // carriage at the top of the free lift, the inner mast retracted).
  const double carriage = data.qpos[lift_qpos_], mast = data.qpos[mast_qpos_];
  double carriage_target = std::min(state_.lift_target, spec_.free_lift);
  double mast_target = state_.lift_target - carriage_target;
  if (carriage_target < carriage && mast > kStageTolerance) carriage_target = spec_.free_lift;
  if (mast_target > mast && carriage < spec_.free_lift - kStageTolerance) mast_target = 0;
  data.ctrl[lift_ctrl_] = AxisCommand(carriage_target, carriage, spec_.lift_speed, dt);
  data.ctrl[mast_ctrl_] = AxisCommand(mast_target, mast, spec_.lift_speed, dt);
  data.ctrl[tilt_ctrl_] = AxisCommand(state_.tilt_target, Tilt(data), spec_.tilt_speed, dt);
}

void ForkliftDrive::SetSpeed(double speed) {
  state_.speed_command = std::clamp(speed, -spec_.max_speed, spec_.max_speed);
}

void ForkliftDrive::SetSteer(double angle) {
  state_.steer_command = std::clamp(angle, -spec_.max_steer, spec_.max_steer);
}

void ForkliftDrive::SetLift(double height) {
  state_.lift_target = std::clamp(height, 0.0, spec_.lift_height);
}

void ForkliftDrive::SetTilt(double angle) {
  state_.tilt_target = std::clamp(angle, -spec_.tilt_forward, spec_.tilt_back);
}

double ForkliftDrive::Speed(const mjData& data) const {
  return (data.ctrl[left_ctrl_] + data.ctrl[right_ctrl_]) / 2 * spec_.wheel_radius;
}

double ForkliftDrive::LiftHeight(const mjData& data) const {
  return data.qpos[lift_qpos_] + data.qpos[mast_qpos_];
}

double ForkliftDrive::SteerAngle(const mjData& data) const {
  return data.qpos[steer_qpos_];
}

double ForkliftDrive::Tilt(const mjData& data) const {
  return data.qpos[tilt_qpos_];
}

Pose2d ForkliftDrive::Pose(const mjData& data) const {
  return PlanarPose(data.qpos + free_qpos_);
}

std::vector<std::shared_ptr<ForkliftDrive>> AttachForkliftDrives(World& world,
                                                                 const scenes::Site& site) {
  std::vector<std::shared_ptr<ForkliftDrive>> drives;
  for (const scenes::ForkliftSpec& spec : site.forklifts) {
    auto drive = std::make_shared<ForkliftDrive>(spec, world);
    AttachBehaviour(world, "forklift:" + spec.entity, drive);
    drives.push_back(std::move(drive));
  }
  return drives;
}

}  // namespace twin::sim
