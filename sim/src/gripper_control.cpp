#include <twin/base/error.h>
#include <twin/sim/behaviour.h>
#include <twin/sim/gripper_control.h>

#include "model_names.h"

#include <algorithm>

namespace twin::sim {
namespace {

// A pad touches a body when their surfaces are within 1 mm (contacts inside the suction cup's
// reach but farther away do not count as held).
constexpr double kTouching = 0.001;

const char* KindName(scenes::GripperKind kind) {
  return kind == scenes::GripperKind::kSuction ? "suction gripper" : "parallel gripper";
}

}  // namespace

GripperControl::GripperControl(const scenes::GripperSpec& gripper, const World& world)
    : spec_(gripper) {
  TWIN_DEMAND(gripper.actuators.size() == 1);
  const mjModel* m = world.model();
  actuator_ = world.ActuatorId(gripper.actuators.front());
  tcp_site_ = internal::RequireId(m, world.name(), mjOBJ_SITE, "site", gripper.tcp_site);
  for (const std::string& geom : gripper.contact_geoms) {
    pad_geoms_.push_back(internal::RequireId(m, world.name(), mjOBJ_GEOM, "geom", geom));
  }
  TWIN_DEMAND(!pad_geoms_.empty());
  state_.command = gripper.kind == scenes::GripperKind::kSuction ? 0.0 : gripper.stroke;
}

void GripperControl::Require(scenes::GripperKind kind, const char* command) const {
  if (spec_.kind != kind) {
    throw base::Error(spec_.entity + " is a " + KindName(spec_.kind) + "; " + command +
                      " is for a " + KindName(kind));
  }
}

void GripperControl::SetVacuum(bool on) {
  Require(scenes::GripperKind::kSuction, "vacuum on/off");
  state_.command = on ? 1.0 : 0.0;
}

bool GripperControl::vacuum() const {
  return spec_.kind == scenes::GripperKind::kSuction && state_.command > 0;
}

void GripperControl::Open() {
  SetOpening(spec_.stroke);
}

void GripperControl::Close() {
  SetOpening(0);
}

void GripperControl::SetOpening(double metres) {
  Require(scenes::GripperKind::kParallel, "opening and closing");
  if (!(metres >= 0 && metres <= spec_.stroke)) {
    throw base::Error(spec_.entity + ": the opening must be in [0, " +
                      std::to_string(spec_.stroke) + "] metres (its stroke), got " +
                      std::to_string(metres));
  }
  state_.command = metres;
}

double GripperControl::Opening(const World& world) const {
  Require(scenes::GripperKind::kParallel, "the opening");
  return world.data()->actuator_length[actuator_];  // the tendon: the sum of the two slides
}

void GripperControl::Apply(const mjModel&, mjData& data) const {
  data.ctrl[actuator_] = state_.command;
}

int GripperControl::HeldBody(const World& world) const {
  return HeldBody(*world.model(), *world.data());
}

int GripperControl::HeldBody(const mjModel& model, const mjData& data) const {
  if (spec_.kind == scenes::GripperKind::kSuction && !vacuum()) return -1;
  const mjModel* m = &model;
  const mjData* d = &data;
  const int own_root = m->body_rootid[m->geom_bodyid[pad_geoms_.front()]];
  // For each pad, the movable bodies it touches (parallel jaws need both pads on one body).
  std::vector<std::vector<int>> touched(pad_geoms_.size());
  for (int i = 0; i < d->ncon; ++i) {
    const mjContact& c = d->contact[i];
    if (c.dist > kTouching) continue;
    for (size_t p = 0; p < pad_geoms_.size(); ++p) {
      int other = -1;
      if (c.geom1 == pad_geoms_[p]) other = c.geom2;
      if (c.geom2 == pad_geoms_[p]) other = c.geom1;
      if (other < 0) continue;
      const int body = m->geom_bodyid[other];
      if (m->body_weldid[body] == 0 || m->body_rootid[body] == own_root) continue;
      if (spec_.kind == scenes::GripperKind::kSuction) return body;
      touched[p].push_back(body);
    }
  }
  for (int body : touched.front()) {
    bool all = true;
    for (size_t p = 1; p < touched.size(); ++p) {
      all = all && std::find(touched[p].begin(), touched[p].end(), body) != touched[p].end();
    }
    if (all) return body;
  }
  return -1;
}

scenes::Pose GripperControl::TcpPose(const World& world) const {
  const mjData* d = world.data();
  scenes::Pose pose;
  for (int i = 0; i < 3; ++i) pose.position[i] = d->site_xpos[3 * tcp_site_ + i];
  mju_mat2Quat(pose.orientation.data(), d->site_xmat + 9 * tcp_site_);
  return pose;
}

std::shared_ptr<GripperControl> AttachGripperControl(World& world,
                                                     const scenes::GripperSpec& gripper) {
  auto control = std::make_shared<GripperControl>(gripper, world);
  AttachBehaviour(world, "gripper " + gripper.entity, control);
  return control;
}

}  // namespace twin::sim
