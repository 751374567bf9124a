#include <twin/scenes/error.h>
#include <twin/sim/arm_controller.h>

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
    hold_[k] = world.data()->qpos[qpos_[k]];
  }
  reference_ = hold_;
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
    throw Error(spec_.entity + ": the payload mass must be >= 0 kg, got " + std::to_string(mass));
  }
  payload_mass_ = mass;
  payload_com_ = centre_of_mass;
}

void ArmController::CheckLimits(const JointVector& q, const std::string& what) const {
  for (int k = 0; k < 6; ++k) {
    if (!std::isfinite(q[k])) {
      throw Error(spec_.entity + ": " + what + ": joint" + std::to_string(k + 1) +
                  " is not a finite angle");
    }
    if (q[k] < spec_.lower[k] || q[k] > spec_.upper[k]) {
      throw Error(spec_.entity + ": " + what + ": joint" + std::to_string(k + 1) + " at " +
                  Degrees(q[k]) + " deg is outside its limits [" + Degrees(spec_.lower[k]) + ", " +
                  Degrees(spec_.upper[k]) + "] deg");
    }
  }
}

void ArmController::Hold(const JointVector& q) {
  CheckLimits(q, "hold target");
  hold_ = q;
  trajectory_.reset();
  pending_.reset();
}

void ArmController::Stop() {
  Hold(reference_);
}

void ArmController::MoveTo(const JointVector& q, double duration) {
  if (!(duration > 0) || !std::isfinite(duration)) {
    throw Error(spec_.entity + ": a move needs a duration > 0 seconds");
  }
  TrajectoryPoint to;
  to.time = duration;
  to.positions.assign(q.begin(), q.end());
  Follow(JointTrajectory({to}));  // starts from the reference when it starts
}

void ArmController::Follow(const JointTrajectory& trajectory) {
  if (trajectory.joints() != 6) {
    throw Error(spec_.entity + ": the trajectory has " + std::to_string(trajectory.joints()) +
                " joints; a 6-axis arm needs 6");
  }
  for (size_t i = 0; i < trajectory.points().size(); ++i) {
    JointVector q{};
    const std::vector<double>& positions = trajectory.points()[i].positions;
    std::copy(positions.begin(), positions.end(), q.begin());
    CheckLimits(q, "trajectory point " + std::to_string(i));
  }
  pending_ = trajectory;
}

void ArmController::Start(const mjData& data) {
  std::vector<TrajectoryPoint> points = pending_->points();
  const Interpolation interpolation = pending_->interpolation();
  pending_.reset();
  if (points.front().time > 0) {
    // Start from where the servos aim now, with values of the same kinds as the other points.
    TrajectoryPoint now;
    now.positions.assign(reference_.begin(), reference_.end());
    if (interpolation == Interpolation::kSpline) {
      for (TrajectoryPoint& p : points) p.velocities.clear();  // refit with the new first point
    } else {
      now.velocities.assign(reference_velocity_.begin(), reference_velocity_.end());
    }
    if (interpolation == Interpolation::kQuintic) {
      now.accelerations.assign(reference_acceleration_.begin(), reference_acceleration_.end());
    }
    points.insert(points.begin(), std::move(now));
  }
  trajectory_ = JointTrajectory(std::move(points));
  start_time_ = data.time;
}

bool ArmController::done() const {
  return !pending_ && !trajectory_;
}

JointVector ArmController::Positions(const World& world) const {
  JointVector q{};
  for (int k = 0; k < 6; ++k) q[k] = world.data()->qpos[qpos_[k]];
  return q;
}

void ArmController::Apply(const mjModel& model, mjData& data) {
  if (data.time < last_time_) {
    // Reset or restored: the motion in progress belongs to another time line.
    for (int k = 0; k < 6; ++k) hold_[k] = data.qpos[qpos_[k]];
    trajectory_.reset();
    reference_ = hold_;
    reference_velocity_ = {};
    reference_acceleration_ = {};
  }
  last_time_ = data.time;
  UpdateBase(data);
  if (pending_) Start(data);

  JointVector& acceleration = reference_acceleration_;
  if (trajectory_) {
    const double t = data.time - start_time_;
    const TrajectorySample s = trajectory_->Sample(t);
    for (int k = 0; k < 6; ++k) {
      reference_[k] = s.position[k];
      reference_velocity_[k] = s.velocity[k];
      acceleration[k] = s.acceleration[k];
    }
    if (t >= trajectory_->duration()) {
      hold_ = reference_;
      trajectory_.reset();
    }
  } else {
    reference_ = hold_;
    reference_velocity_ = {};
    reference_acceleration_ = {};
  }
  for (int k = 0; k < 6; ++k) tracking_error_[k] = reference_[k] - data.qpos[qpos_[k]];

  JointVector torque{};
  if (feedforward_) {
    // Inertia times the reference acceleration of the arm's joints (the rest of the tree at rest).
    std::fill(scratch_acc_.begin(), scratch_acc_.end(), 0.0);
    for (int k = 0; k < 6; ++k) scratch_acc_[dof_[k]] = acceleration[k];
    mj_mulM(&model, &data, scratch_force_.data(), scratch_acc_.data());
    for (int k = 0; k < 6; ++k) {
      const int dof = dof_[k];
      torque[k] = data.qfrc_bias[dof] + scratch_force_[dof] +
                  model.dof_damping[dof] * reference_velocity_[k];
    }
    if (payload_mass_ > 0) {
      // The payload's weight at its centre of mass, carried by the joints through the
      // translation Jacobian of that point: tau = -J^T m g.
      const mjtNum* x = data.site_xpos + 3 * flange_site_;
      const mjtNum* r = data.site_xmat + 9 * flange_site_;
      mjtNum point[3];
      mju_mulMatVec(point, r, payload_com_.data(), 3, 3);
      mju_addTo3(point, x);
      mj_jac(&model, &data, scratch_jac_.data(), nullptr, point, flange_body_);
      for (int k = 0; k < 6; ++k) {
        for (int i = 0; i < 3; ++i) {
          torque[k] -= scratch_jac_[i * model.nv + dof_[k]] * payload_mass_ * model.opt.gravity[i];
        }
      }
    }
  }
  for (int k = 0; k < 6; ++k) {
    const int a = actuator_[k];
    const double kp = model.actuator_gainprm[a * mjNGAIN];
    const double kv = -model.actuator_biasprm[a * mjNBIAS + 2];
    double ctrl = reference_[k];
    if (feedforward_) ctrl += (kv * reference_velocity_[k] + torque[k]) / kp;
    data.ctrl[a] =
        std::clamp(ctrl, model.actuator_ctrlrange[2 * a], model.actuator_ctrlrange[2 * a + 1]);
  }
}

std::shared_ptr<ArmController> AttachArmController(World& world, const scenes::ArmSpec& arm) {
  auto controller = std::make_shared<ArmController>(arm, world);
  world.AddPreStepHook("arm " + arm.entity,
                       [controller](const mjModel& m, mjData& d) { controller->Apply(m, d); });
  return controller;
}

}  // namespace twin::sim
