#include <twin/base/error.h>
#include <twin/sim/arm_controller.h>
#include <twin/sim/behaviour.h>

#include "model_names.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <sstream>

namespace twin::sim {
namespace {

std::string Degrees(double rad) {
  std::ostringstream out;
  out.precision(4);
  out << rad * 180.0 / std::numbers::pi;
  return out.str();
}

}  // namespace

ArmController::ArmController(const scenes::ArmSpec& arm, const World& world)
    : spec_(arm), kinematics_(arm) {
  const mjModel* m = world.model();
  for (int k = 0; k < 6; ++k) {
    const int joint = world.JointId(arm.joints[k]);
    qpos_[k] = m->jnt_qposadr[joint];
    dof_[k] = m->jnt_dofadr[joint];
    actuator_[k] = world.ActuatorId(arm.actuators[k]);
    state_.hold[k] = world.data()->qpos[qpos_[k]];
  }
  state_.reference = state_.hold;
  flange_site_ = internal::RequireId(m, world.name(), mjOBJ_SITE, "site", arm.flange_site);
  flange_body_ = m->site_bodyid[flange_site_];
  base_body_ = world.BodyId(arm.base_body);
  UpdateBase(*world.data());
  scratch_acc_.assign(m->nv, 0);
  scratch_force_.assign(m->nv, 0);
  scratch_jac_.assign(3 * m->nv, 0);
}

void ArmController::UpdateBase(const mjData& data) {
  scenes::Pose body;
  for (int i = 0; i < 3; ++i) body.position[i] = data.xpos[3 * base_body_ + i];
  for (int i = 0; i < 4; ++i) body.orientation[i] = data.xquat[4 * base_body_ + i];
  kinematics_.set_base(scenes::Compose(body, spec_.base_in_body));
}

void ArmController::SetPayload(double mass, const scenes::Vec3& centre_of_mass) {
  if (!(mass >= 0) || !std::isfinite(mass)) {
    throw base::Error(spec_.entity + ": the payload mass must be >= 0 kg, got " +
                      std::to_string(mass));
  }
  state_.payload_mass = mass;
  state_.payload_com = centre_of_mass;
}

void ArmController::CheckLimits(const JointVector& q, const std::string& what) const {
  for (int k = 0; k < 6; ++k) {
    if (!std::isfinite(q[k])) {
      throw base::Error(spec_.entity + ": " + what + ": joint" + std::to_string(k + 1) +
                        " is not a finite angle");
    }
    if (q[k] < spec_.lower[k] || q[k] > spec_.upper[k]) {
      throw base::Error(spec_.entity + ": " + what + ": joint" + std::to_string(k + 1) + " at " +
                        Degrees(q[k]) + " deg is outside its limits [" + Degrees(spec_.lower[k]) +
                        ", " + Degrees(spec_.upper[k]) + "] deg");
    }
  }
}

void ArmController::Hold(const JointVector& q) {
  CheckLimits(q, "hold target");
  state_.hold = q;
  state_.trajectory.reset();
  state_.pending.reset();
}

void ArmController::Stop() {
  Hold(state_.reference);
}

void ArmController::MoveTo(const JointVector& q, double duration) {
  if (!(duration > 0) || !std::isfinite(duration)) {
    throw base::Error(spec_.entity + ": a move needs a duration > 0 seconds");
  }
  TrajectoryPoint to;
  to.time = duration;
  to.positions.assign(q.begin(), q.end());
  Follow(JointTrajectory({to}));  // starts from the reference when it starts
}

void ArmController::Follow(const JointTrajectory& trajectory) {
  if (trajectory.joints() != 6) {
    throw base::Error(spec_.entity + ": the trajectory has " + std::to_string(trajectory.joints()) +
                      " joints; a 6-axis arm needs 6");
  }
  for (size_t i = 0; i < trajectory.points().size(); ++i) {
    JointVector q{};
    const std::vector<double>& positions = trajectory.points()[i].positions;
    std::copy(positions.begin(), positions.end(), q.begin());
    CheckLimits(q, "trajectory point " + std::to_string(i));
  }
  state_.pending = trajectory;
}

void ArmController::Start(const mjData& data) {
  std::vector<TrajectoryPoint> points = state_.pending->points();
  const Interpolation interpolation = state_.pending->interpolation();
  state_.pending.reset();
  if (points.front().time > 0) {
    // Start from where the servos aim now, with values of the same kinds as the other points.
    TrajectoryPoint now;
    now.positions.assign(state_.reference.begin(), state_.reference.end());
    if (interpolation == Interpolation::kSpline) {
      for (TrajectoryPoint& p : points) p.velocities.clear();  // refit with the new first point
    } else {
      now.velocities.assign(state_.reference_velocity.begin(), state_.reference_velocity.end());
    }
    if (interpolation == Interpolation::kQuintic) {
      now.accelerations.assign(state_.reference_acceleration.begin(),
                               state_.reference_acceleration.end());
    }
    points.insert(points.begin(), std::move(now));
  }
  state_.trajectory = JointTrajectory(std::move(points));
  state_.start_time = data.time;
}

ArmController::State ArmController::SaveState() const {
  State state = state_;
  state.base = kinematics_.base();
  return state;
}

void ArmController::RestoreState(const State& state) {
  state_ = state;
  kinematics_.set_base(state.base);
}

bool ArmController::done() const {
  return !state_.pending && !state_.trajectory;
}

JointVector ArmController::Positions(const World& world) const {
  JointVector q{};
  for (int k = 0; k < 6; ++k) q[k] = world.data()->qpos[qpos_[k]];
  return q;
}

void ArmController::Apply(const mjModel& model, mjData& data) {
  if (data.time < state_.last_time) {
    // Reset or restored: the motion in progress belongs to another time line.
    for (int k = 0; k < 6; ++k) state_.hold[k] = data.qpos[qpos_[k]];
    state_.trajectory.reset();
    state_.reference = state_.hold;
    state_.reference_velocity = {};
    state_.reference_acceleration = {};
  }
  state_.last_time = data.time;
  UpdateBase(data);
  if (state_.pending) Start(data);

  JointVector& acceleration = state_.reference_acceleration;
  if (state_.trajectory) {
    const double t = data.time - state_.start_time;
    const TrajectorySample s = state_.trajectory->Sample(t);
    for (int k = 0; k < 6; ++k) {
      state_.reference[k] = s.position[k];
      state_.reference_velocity[k] = s.velocity[k];
      acceleration[k] = s.acceleration[k];
    }
    if (t >= state_.trajectory->duration()) {
      state_.hold = state_.reference;
      state_.trajectory.reset();
    }
  } else {
    state_.reference = state_.hold;
    state_.reference_velocity = {};
    state_.reference_acceleration = {};
  }
  for (int k = 0; k < 6; ++k) state_.tracking_error[k] = state_.reference[k] - data.qpos[qpos_[k]];

  JointVector torque{};
  if (feedforward_) {
    // Inertia times the reference acceleration of the arm's joints (the rest of the tree at rest).
    std::fill(scratch_acc_.begin(), scratch_acc_.end(), 0.0);
    for (int k = 0; k < 6; ++k) scratch_acc_[dof_[k]] = acceleration[k];
    mj_mulM(&model, &data, scratch_force_.data(), scratch_acc_.data());
    for (int k = 0; k < 6; ++k) {
      const int dof = dof_[k];
      torque[k] = data.qfrc_bias[dof] + scratch_force_[dof] +
                  model.dof_damping[dof] * state_.reference_velocity[k];
    }
    if (state_.payload_mass > 0) {
      // The payload's weight at its centre of mass, carried by the joints through the
      // translation Jacobian of that point: tau = -J^T m g.
      const mjtNum* x = data.site_xpos + 3 * flange_site_;
      const mjtNum* r = data.site_xmat + 9 * flange_site_;
      mjtNum point[3];
      mju_mulMatVec(point, r, state_.payload_com.data(), 3, 3);
      mju_addTo3(point, x);
      mj_jac(&model, &data, scratch_jac_.data(), nullptr, point, flange_body_);
      for (int k = 0; k < 6; ++k) {
        for (int i = 0; i < 3; ++i) {
          torque[k] -=
              scratch_jac_[i * model.nv + dof_[k]] * state_.payload_mass * model.opt.gravity[i];
        }
      }
    }
  }
  for (int k = 0; k < 6; ++k) {
    const int a = actuator_[k];
    const double kp = model.actuator_gainprm[a * mjNGAIN];
    const double kv = -model.actuator_biasprm[a * mjNBIAS + 2];
    double ctrl = state_.reference[k];
    if (feedforward_) ctrl += (kv * state_.reference_velocity[k] + torque[k]) / kp;
    data.ctrl[a] =
        std::clamp(ctrl, model.actuator_ctrlrange[2 * a], model.actuator_ctrlrange[2 * a + 1]);
  }
}

std::shared_ptr<ArmController> AttachArmController(World& world, const scenes::ArmSpec& arm) {
  auto controller = std::make_shared<ArmController>(arm, world);
  AttachBehaviour(world, "arm " + arm.entity, controller);
  return controller;
}

}  // namespace twin::sim
