#include <twin/base/error.h>
#include <twin/base/suggest.h>
#include <twin/sim/behaviour.h>
#include <twin/sim/conveyor_drive.h>

namespace twin::sim {

ConveyorDrive::ConveyorDrive(const scenes::Site& site, const World& world) {
  const mjModel* m = world.model();
  for (const scenes::ConveyorSpec& spec : site.conveyors) {
    Drive drive;
    drive.name = spec.entity;
    state_.speeds.push_back(spec.speed);
    drive.radius = spec.roller_radius;
    if (!spec.belt_joint.empty()) {
      const int joint = world.JointId(spec.belt_joint);
      drive.belt_qpos = m->jnt_qposadr[joint];
      drive.belt_dof = m->jnt_dofadr[joint];
    }
    for (const std::string& roller : spec.roller_joints) {
      drive.roller_dofs.push_back(m->jnt_dofadr[world.JointId(roller)]);
    }
    drives_.push_back(std::move(drive));
  }
}

void ConveyorDrive::Apply(const mjModel&, mjData& data) const {
  for (size_t k = 0; k < drives_.size(); ++k) {
    const Drive& drive = drives_[k];
    const double speed = state_.speeds[k];
    if (drive.belt_dof >= 0) {
      data.qpos[drive.belt_qpos] = 0;
      data.qvel[drive.belt_dof] = speed;
    }
    for (int dof : drive.roller_dofs) data.qvel[dof] = speed / drive.radius;
  }
}

size_t ConveyorDrive::Find(std::string_view name) const {
  for (size_t k = 0; k < drives_.size(); ++k) {
    if (drives_[k].name == name) return k;
  }
  throw base::Error("no conveyor named '" + std::string(name) + "'" +
                    base::DidYouMean(std::string(name), names()));
}

void ConveyorDrive::SetSpeed(std::string_view conveyor, double speed) {
  state_.speeds[Find(conveyor)] = speed;
}

double ConveyorDrive::speed(std::string_view conveyor) const {
  return state_.speeds[Find(conveyor)];
}

std::vector<std::string> ConveyorDrive::names() const {
  std::vector<std::string> out;
  for (const Drive& drive : drives_) out.push_back(drive.name);
  return out;
}

std::shared_ptr<ConveyorDrive> AttachConveyorDrive(World& world, const scenes::Site& site) {
  auto drive = std::make_shared<ConveyorDrive>(site, world);
  AttachBehaviour(world, "conveyors", drive);
  return drive;
}

}  // namespace twin::sim
