#include "equipment.h"

namespace twin::scenes::internal {

std::string LayoutBuild::Material(const std::string& name, const std::string& rgba,
                                  double specular) {
  const std::string full = "twin/" + name;
  if (materials.insert(full).second) {
    Xml* material = Add(mjcf.asset(), "material");
    Set(material, "name", full);
    Set(material, "rgba", rgba);
    Set(material, "specular", specular);
  }
  return full;
}

double EquipmentContext::Param(const std::string& key, double fallback, double min, double max) {
  const double value = item.Number(key, fallback, min, max);
  entity.parameters[key] = value;
  return value;
}

double EquipmentContext::Positive(const std::string& key, double fallback) {
  const double value = item.Positive(key, fallback);
  entity.parameters[key] = value;
  return value;
}

Vec3 EquipmentContext::Size(const std::string& key, const Vec3& fallback) {
  const Vec3 size = item.Vector3(key, fallback);
  if (!(size[0] > 0 && size[1] > 0 && size[2] > 0)) {
    item.Required(key).Fail("every side must be > 0 metres");
  }
  entity.parameters[key + "_x"] = size[0];
  entity.parameters[key + "_y"] = size[1];
  entity.parameters[key + "_z"] = size[2];
  return size;
}

void EquipmentContext::AddMount(const std::string& suffix, const Pose& in_root) {
  MountPoint mount;
  mount.world = Compose(entity.pose, in_root);
  mount.body = root;
  mount.in_body = in_root;
  mount.entity = entity.name;
  build.mounts[suffix.empty() ? entity.name : entity.name + "/" + suffix] = mount;
}

void EquipmentContext::AddMount(const std::string& suffix, Xml* body, const Pose& in_body,
                                const Pose& world) {
  MountPoint mount;
  mount.world = world;
  mount.body = body;
  mount.in_body = in_body;
  mount.entity = entity.name;
  build.mounts[entity.name + "/" + suffix] = mount;
}

Xml* EquipmentContext::AddPartBody(const std::string& part, const Pose& pose, Xml* parent) {
  Xml* body = AddBody(parent ? parent : root, Name(part), pose);
  entity.bodies.push_back(Name(part));
  build.bodies[Name(part)] = body;
  return body;
}

const std::vector<EquipmentType>& EquipmentTypes() {
  static const std::vector<EquipmentType> types = {
      {"carton", "carton", true, BuildCarton, /*fixable=*/true},
      {"tote", "tote", true, BuildTote, /*fixable=*/true},
      {"pallet", "pallet", true, BuildPallet, /*fixable=*/true},
      {"obstacle", "obstacle", false, BuildObstacle},
      {"rack", "rack", false, BuildRack},
      {"conveyor", "conveyor", false, BuildBeltConveyor},
      {"roller_conveyor", "conveyor", false, BuildRollerConveyor},
      {"spawner", "carton", false, BuildSpawner},
      {"sink", "sink", false, BuildSink},
      {"amr", "amr", true, BuildAmr},
      {"forklift", "forklift", true, BuildForklift},
      {"arm", "robot_arm", false, BuildArm},
      {"suction_gripper", "gripper", false, BuildSuctionGripper},
      {"parallel_gripper", "gripper", false, BuildParallelGripper},
  };
  return types;
}

const EquipmentType* FindEquipmentType(const std::string& name) {
  for (const EquipmentType& type : EquipmentTypes()) {
    if (type.name == name) return &type;
  }
  return nullptr;
}

}  // namespace twin::scenes::internal
