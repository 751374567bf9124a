// The equipment library: each type reads its parameters from a layout item and writes its MJCF.
// One file per type family in scenes/src/equipment/; the table of types is in equipment.cpp.
#pragma once

#include <twin/scenes/site.h>

#include "layout_node.h"
#include "layout_schema_tables.h"
#include "mjcf_builder.h"

#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace twin::scenes::internal {

/// A named frame other items can be placed on ("parent: rack_a/bay1/level2").
struct MountPoint {
  Pose world;           ///< the frame in world coordinates
  Xml* body = nullptr;  ///< the MJCF body that carries it (fixed children nest here)
  Pose in_body;         ///< the frame in that body's coordinates
  std::string entity;   ///< the entity that offers it
};

/// Everything being built from one layout (and the layouts it includes).
struct LayoutBuild {
  explicit LayoutBuild(const std::string& name) : mjcf(name) {}
  MjcfDocument mjcf;
  Site site;
  std::map<std::string, MountPoint> mounts;
  std::map<std::string, std::string> declared_at;  ///< entity name -> "file:line"
  std::set<std::string> materials;                 ///< material names already in <asset>
  std::map<std::string, Xml*> bodies;              ///< every named body, for mounting by name
  /// Included layouts and models and their asset files (scene_sources.h lists them).
  std::vector<std::filesystem::path> sources;

  /// Adds a named material to <asset> once; returns its name (e.g. "twin/cardboard").
  std::string Material(const std::string& name, const std::string& rgba, double specular = 0.2);
};

/// What an equipment builder works with.
struct EquipmentContext {
  const LayoutNode& item;  ///< the layout item, bound to its type's schema (ItemBlock)
  Entity& entity;          ///< name, type, class, pose, parent already set
  LayoutBuild& build;
  Xml* root;  ///< the entity's root body, already placed (with a free joint if loose)

  /// A number of the type's table (checked, else its default), recorded in entity.parameters.
  double Number(const std::string& key);
  /// A [x, y, z] size of the type's table; recorded as key_x, key_y, key_z.
  Vec3 Size(const std::string& key);
  /// "<entity>/<part>": the name of one of its MJCF elements.
  std::string Name(const std::string& part) const { return entity.name + "/" + part; }
  /// Offers a frame (given in the root body's coordinates) as "<entity>" when `suffix` is empty,
  /// else "<entity>/<suffix>".
  void AddMount(const std::string& suffix, const Pose& in_root);
  /// Offers a frame of one of its part bodies (a moving link, such as an arm's tool flange) as
  /// "<entity>/<suffix>": items placed on it nest in `body` and move with it. `world` is where the
  /// frame is as laid out.
  void AddMount(const std::string& suffix, Xml* body, const Pose& in_body, const Pose& world);
  /// Appends a child body of the root (or of `parent`) and records it as part of the entity.
  Xml* AddPartBody(const std::string& part, const Pose& pose, Xml* parent = nullptr);
};

struct EquipmentType {
  std::string name;           ///< the layout's `type:` value
  std::string default_class;  ///< semantic class unless the item says `class:`
  bool loose;                 ///< a free body (cartons, pallets...) rather than fixed to its parent
  std::function<void(EquipmentContext&)> build;
  const schema::Block& (*schema)();  ///< its parameters, beside its builder
  std::string offers;                ///< the places it offers other items, in words
  /// A loose type that an item may declare `fixed: true`: stored goods that never move, built
  /// without degrees of freedom. MuJoCo 2.2.2 allocates constraint memory per degree of freedom
  /// and contact, so this is what makes warehouse-scale stock affordable.
  bool fixable = false;
};

/// Robot geoms (arm links, grippers) collide with the site (contype 1) but not with each other,
/// so a folded arm never jams on itself and fingers may close on nothing.
inline void CollideWithSiteOnly(Xml* geom) {
  Set(geom, "contype", 2.0);
  Set(geom, "conaffinity", 1.0);
}

const std::vector<EquipmentType>& EquipmentTypes();
const EquipmentType* FindEquipmentType(const std::string& name);

/// A carton's box geom on `body` (origin at the centre of its bottom face).
void AddCartonBox(LayoutBuild& build, Xml* body, const std::string& geom_name, const Vec3& size,
                  double mass, double friction, const std::string& texture);

// Builders and their parameter tables, one per type (scenes/src/equipment/*.cpp).
void BuildCarton(EquipmentContext& ctx);
const schema::Block& CartonSchema();
void BuildTote(EquipmentContext& ctx);
const schema::Block& ToteSchema();
void BuildPallet(EquipmentContext& ctx);
const schema::Block& PalletSchema();
void BuildObstacle(EquipmentContext& ctx);
const schema::Block& ObstacleSchema();
void BuildRack(EquipmentContext& ctx);
const schema::Block& RackSchema();
void BuildBeltConveyor(EquipmentContext& ctx);
const schema::Block& BeltConveyorSchema();
void BuildRollerConveyor(EquipmentContext& ctx);
const schema::Block& RollerConveyorSchema();
void BuildSpawner(EquipmentContext& ctx);
const schema::Block& SpawnerSchema();
void BuildSink(EquipmentContext& ctx);
const schema::Block& SinkSchema();
void BuildAmr(EquipmentContext& ctx);
const schema::Block& AmrSchema();
void BuildForklift(EquipmentContext& ctx);
const schema::Block& ForkliftSchema();
void BuildArm(EquipmentContext& ctx);
const schema::Block& ArmSchema();
void BuildSuctionGripper(EquipmentContext& ctx);
const schema::Block& SuctionGripperSchema();
void BuildParallelGripper(EquipmentContext& ctx);
const schema::Block& ParallelGripperSchema();

}  // namespace twin::scenes::internal
