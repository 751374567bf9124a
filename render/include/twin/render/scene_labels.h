// What every pixel's ids mean: each drawn geom belongs to one instance (a layout entity, or for a
// plain MJCF model a body) and each instance to one semantic class.
//
// Layout scenes: instance k is the site's entity with instance_id k and class ids are the site's;
// geoms of the world body that belong to no entity (floor, walls, columns) become instances of
// their own after the entities, of class "structure". Plain MJCF: one instance per body that has
// geoms (class "body"), and one per world-body geom (class "structure").
#pragma once

#include <mujoco/mujoco.h>

#include <cstdint>
#include <string>
#include <vector>

#include <twin/scenes/site.h>

namespace twin::render {

struct SceneLabels {
  std::vector<std::string> instances;   ///< instance id k is instances[k - 1]
  std::vector<int> instance_class;      ///< class id of instance k is instance_class[k - 1]
  std::vector<std::string> classes;     ///< class id k is classes[k - 1]
  std::vector<uint16_t> geom_instance;  ///< per geom; 0 only for geoms that are never drawn
  std::vector<uint16_t> geom_class;     ///< per geom
};

SceneLabels LabelsFromSite(const scenes::Site& site, const mjModel* m);
SceneLabels LabelsFromModel(const mjModel* m);

}  // namespace twin::render
