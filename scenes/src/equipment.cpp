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

double EquipmentContext::Number(const std::string& key) {
  const double value = item.Number(key);
  entity.parameters[key] = value;
  return value;
}

Vec3 EquipmentContext::Size(const std::string& key) {
  const Vec3 size = item.Vector3(key);
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
      {"carton", "carton", true, BuildCarton, CartonSchema, "its top", /*fixable=*/true},
      {"tote", "tote", true, BuildTote, ToteSchema, "inside its bottom", /*fixable=*/true},
      {"pallet", "pallet", true, BuildPallet, PalletSchema, "its deck", /*fixable=*/true},
      {"obstacle", "obstacle", false, BuildObstacle, ObstacleSchema, "its top"},
      {"rack", "rack", false, BuildRack, RackSchema,
       "`NAME/bayB/levelL` (level0 = the floor of bay B)"},
      {"conveyor", "conveyor", false, BuildBeltConveyor, BeltConveyorSchema,
       "`NAME` (middle), `NAME/start`, `NAME/end`"},
      {"roller_conveyor", "conveyor", false, BuildRollerConveyor, RollerConveyorSchema,
       "`NAME` (middle), `NAME/start`, `NAME/end`"},
      {"spawner", "carton", false, BuildSpawner, SpawnerSchema, ""},
      {"sink", "sink", false, BuildSink, SinkSchema, ""},
      {"amr", "amr", true, BuildAmr, AmrSchema, "`NAME` and `NAME/deck` (its deck), `NAME/front`"},
      {"forklift", "forklift", true, BuildForklift, ForkliftSchema,
       "`NAME/forks` (moves with the carriage), `NAME/roof`"},
      {"arm", "robot_arm", false, BuildArm, ArmSchema, "`NAME/flange` (the tool flange)"},
      {"suction_gripper", "gripper", false, BuildSuctionGripper, SuctionGripperSchema, ""},
      {"parallel_gripper", "gripper", false, BuildParallelGripper, ParallelGripperSchema, ""},
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
