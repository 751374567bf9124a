#include <twin/base/error.h>
#include <twin/sim/joint_states.h>

#include <map>

namespace twin::sim {
namespace {

// The robots of a site: entity name -> type, for the kinds of equipment that are robots.
std::map<std::string, std::string> RobotTypes(const scenes::Site& site) {
  std::map<std::string, std::string> types;
  for (const auto& amr : site.amrs) types[amr.entity] = "amr";
  for (const auto& forklift : site.forklifts) types[forklift.entity] = "forklift";
  for (const auto& arm : site.arms) types[arm.entity] = "arm";
  for (const auto& gripper : site.grippers) types[gripper.entity] = "gripper";
  for (const auto& entity : site.entities) {
    if (entity.type == "mjcf" || entity.type == "urdf") types[entity.name] = entity.type;
  }
  return types;
}

}  // namespace

std::vector<RobotJoints> FindRobotJoints(const mjModel* m, const scenes::Site& site) {
  const std::map<std::string, std::string> types = RobotTypes(site);
  // Which robot each body belongs to (index into `robots`), from the entities' body lists.
  std::vector<RobotJoints> robots;
  std::vector<int> robot_of_body(m->nbody, -1);
  for (const scenes::Entity& entity : site.entities) {
    const auto type = types.find(entity.name);
    if (type == types.end()) continue;
    robots.push_back({entity.name, type->second, {}, {}});
    for (const std::string& body : entity.bodies) {
      const int id = mj_name2id(m, mjOBJ_BODY, body.c_str());
      if (id >= 0) robot_of_body[id] = static_cast<int>(robots.size()) - 1;
    }
  }
  for (int j = 0; j < m->njnt; ++j) {
    const int robot = robot_of_body[m->jnt_bodyid[j]];
    const int type = m->jnt_type[j];
    if (robot < 0 || (type != mjJNT_HINGE && type != mjJNT_SLIDE)) continue;
    RobotJoints& r = robots[robot];
    const char* full = mj_id2name(m, mjOBJ_JOINT, j);
    std::string name = full ? full : "joint" + std::to_string(j);
    const std::string prefix = r.entity + "/";
    if (name.rfind(prefix, 0) == 0) name.erase(0, prefix.size());
    r.names.push_back(name);
    r.joints.push_back(j);
  }
  std::erase_if(robots, [](const RobotJoints& r) { return r.joints.empty(); });
  return robots;
}

JointStates ReadJointStates(const World& world, const RobotJoints& robot) {
  const mjModel* m = world.model();
  const mjData* d = world.data();
  JointStates states;
  states.entity = robot.entity;
  states.stamp = world.time();
  states.name = robot.names;
  for (int j : robot.joints) {
    TWIN_DEMAND(j >= 0 && j < m->njnt);
    const int dof = m->jnt_dofadr[j];
    states.position.push_back(d->qpos[m->jnt_qposadr[j]]);
    states.velocity.push_back(d->qvel[dof]);
    states.effort.push_back(d->qfrc_actuator[dof]);
  }
  return states;
}

}  // namespace twin::sim
