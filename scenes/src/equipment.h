// The equipment library: each type reads its parameters from a layout item and writes its MJCF.
// One file per type family in scenes/src/equipment/; the table of types is in equipment.cpp.
#pragma once

#include <twin/scenes/site.h>

#include "layout_node.h"
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
  const LayoutNode& item;  ///< the layout item; reading a key declares it as allowed
  Entity& entity;          ///< name, type, class, pose, parent already set
  LayoutBuild& build;
  Xml* root;  ///< the entity's root body, already placed (with a free joint if loose)

  /// Reads a numeric parameter (declared, range-checked) and records it in entity.parameters.
  double Param(const std::string& key, double fallback, double min = -1e300, double max = 1e300);
  /// Same for a parameter that must be > 0 (lengths, masses, ...).
  double Positive(const std::string& key, double fallback);
  /// A [x, y, z] size in metres, every side > 0; recorded as key_x, key_y, key_z.
  Vec3 Size(const std::string& key, const Vec3& fallback);
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

// Builders, one per type (scenes/src/equipment/*.cpp).
void BuildCarton(EquipmentContext& ctx);
void BuildTote(EquipmentContext& ctx);
void BuildPallet(EquipmentContext& ctx);
void BuildObstacle(EquipmentContext& ctx);
void BuildRack(EquipmentContext& ctx);
void BuildBeltConveyor(EquipmentContext& ctx);
void BuildRollerConveyor(EquipmentContext& ctx);
void BuildSpawner(EquipmentContext& ctx);
void BuildSink(EquipmentContext& ctx);
void BuildAmr(EquipmentContext& ctx);
void BuildForklift(EquipmentContext& ctx);
void BuildArm(EquipmentContext& ctx);
void BuildSuctionGripper(EquipmentContext& ctx);
void BuildParallelGripper(EquipmentContext& ctx);

}  // namespace twin::scenes::internal
