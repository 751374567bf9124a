// Vertex and index data for everything a mjModel can show, built once per model: unit
// primitives (scaled per geom in the vertex shader) and every mesh of the model.
#pragma once

#include <mujoco/mujoco.h>

#include <cstdint>
#include <vector>

namespace twin::render {

/// `cap` moves a vertex along z by the geom's capsule half length (+1 top hemisphere, -1 bottom),
/// so one unit capsule serves every capsule.
struct Vertex {
  float position[3];
  float normal[3];
  float uv[2];
  float cap;
};

struct ShapeRange {
  uint32_t first_index = 0, index_count = 0;
};

/// Shape keys: the primitives first, then one per mesh.
enum ShapeKey : int {
  kShapeBox,
  kShapeSphere,
  kShapeCylinder,
  kShapeCapsule,
  kShapePlane,
  kShapeFirstMesh
};

struct Geometry {
  std::vector<Vertex> vertices;
  std::vector<uint32_t> indices;
  std::vector<ShapeRange> shapes;  ///< by shape key
};

Geometry BuildGeometry(const mjModel* m);

/// The shape key of geom `g`, or -1 when it is not drawn (height fields, SDFs, planes that are
/// lines...).
int ShapeOfGeom(const mjModel* m, int g);

}  // namespace twin::render
