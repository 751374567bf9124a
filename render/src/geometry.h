// Vertex and index data for everything a mjModel can show, built once per model: unit
// primitives (scaled per geom in the vertex shader) and every mesh of the model. Spheres,
// ellipsoids, capsules and cylinders are drawn exactly by ray casting in the fragment shader;
// their tessellations serve as bounding proxies there (`proxies`), and as the shadow casters.
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
  std::vector<ShapeRange> shapes;  ///< by shape key: inscribed in the exact shape (shadow pass)
  /// By shape key, for the ray-cast shapes only (IsRayCast): a coarser tessellation enlarged so
  /// that it encloses the exact shape, which the scene pass rasterizes to find the pixels to cast
  /// rays through. Index count 0 for the other shapes.
  std::vector<ShapeRange> proxies;
};

/// Spheres (and ellipsoids), capsules and cylinders: ray-cast in the scene pass.
bool IsRayCast(int shape);

/// How the shaders find a geom's exact depth (GpuInstance::ids[1]; mirrors ray_cast.glsl and
/// scene.vert): by ray casting the shape (spheres and ellipsoids, capsules, cylinders), from the
/// plane of the rasterized face (boxes and planes, whose faces are exactly flat), or by
/// interpolation over the rasterized triangle (meshes: their normals need not be the face's).
enum ExactShape : uint32_t {
  kInterpolated = 0,
  kRayEllipsoid = 1,
  kRayCapsule = 2,
  kRayCylinder = 3,
  kFlatFaces = 4,
};
ExactShape ExactShapeOfGeom(const mjModel* m, int g);

Geometry BuildGeometry(const mjModel* m);

/// The shape key of geom `g`, or -1 when it is not drawn (height fields, SDFs, planes that are
/// lines...).
int ShapeOfGeom(const mjModel* m, int g);

}  // namespace twin::render
