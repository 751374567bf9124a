#include "geometry.h"

#include <algorithm>
#include <cmath>

#include "vk_constants.h"

namespace twin::render {
namespace {

class Builder {
 public:
  explicit Builder(Geometry& g) : g_(g) {}

  void Begin() { range_.first_index = static_cast<uint32_t>(g_.indices.size()); }
  ShapeRange End() {
    range_.index_count = static_cast<uint32_t>(g_.indices.size()) - range_.first_index;
    return range_;
  }
  uint32_t Add(float px, float py, float pz, float nx, float ny, float nz, float u, float v,
               float cap = 0) {
    g_.vertices.push_back({{px, py, pz}, {nx, ny, nz}, {u, v}, cap});
    return static_cast<uint32_t>(g_.vertices.size() - 1);
  }
  void Triangle(uint32_t a, uint32_t b, uint32_t c) {
    g_.indices.insert(g_.indices.end(), {a, b, c});
  }
  void Quad(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
    Triangle(a, b, c);
    Triangle(a, c, d);
  }

 private:
  Geometry& g_;
  ShapeRange range_;
};

// Unit cube [-1, 1]^3, four vertices per face so each face has its own normal and uv.
ShapeRange Box(Builder& b) {
  b.Begin();
  for (int axis = 0; axis < 3; ++axis)
    for (int sign = -1; sign <= 1; sign += 2) {
      const int u_axis = (axis + 1) % 3, v_axis = (axis + 2) % 3;
      uint32_t corner[4];
      const float us[4] = {-1, 1, 1, -1}, vs[4] = {-1, -1, 1, 1};
      for (int k = 0; k < 4; ++k) {
        float p[3], n[3] = {0, 0, 0};
        p[axis] = static_cast<float>(sign);
        p[u_axis] = us[k];
        p[v_axis] = vs[k];
        n[axis] = static_cast<float>(sign);
        corner[k] = b.Add(p[0], p[1], p[2], n[0], n[1], n[2], (us[k] + 1) / 2, (vs[k] + 1) / 2);
      }
      if (sign > 0)
        b.Quad(corner[0], corner[1], corner[2], corner[3]);
      else
        b.Quad(corner[0], corner[3], corner[2], corner[1]);
    }
  return b.End();
}

// Rings of a unit sphere from the north pole (ring 0) to the south pole (ring `stacks`). With
// `capsule`, the equator ring is doubled: the upper half carries cap +1, the lower cap -1, and
// the band between the two equators becomes the capsule's cylinder.
ShapeRange Sphere(Builder& b, bool capsule, int stacks, int slices) {
  b.Begin();
  std::vector<uint32_t> previous;
  auto ring = [&](int stack, float cap) {
    const double theta = M_PI * stack / stacks;
    std::vector<uint32_t> ids;
    for (int s = 0; s <= slices; ++s) {
      const double phi = 2 * M_PI * s / slices;
      const float x = static_cast<float>(std::sin(theta) * std::cos(phi));
      const float y = static_cast<float>(std::sin(theta) * std::sin(phi));
      const float z = static_cast<float>(std::cos(theta));
      ids.push_back(b.Add(x, y, z, x, y, z, static_cast<float>(s) / slices,
                          static_cast<float>(stack) / stacks, cap));
    }
    if (!previous.empty())
      for (int s = 0; s < slices; ++s) b.Quad(previous[s], ids[s], ids[s + 1], previous[s + 1]);
    previous = ids;
  };
  for (int stack = 0; stack <= stacks; ++stack) {
    if (capsule && stack == stacks / 2) {
      ring(stack, 1);
      ring(stack, -1);
    } else {
      ring(stack, capsule ? (stack < stacks / 2 ? 1.f : -1.f) : 0.f);
    }
  }
  return b.End();
}

// Unit cylinder: radius 1, z in [-1, 1], with flat caps.
ShapeRange Cylinder(Builder& b, int slices) {
  b.Begin();
  std::vector<uint32_t> bottom, top;
  for (int s = 0; s <= slices; ++s) {
    const double phi = 2 * M_PI * s / slices;
    const float x = static_cast<float>(std::cos(phi)), y = static_cast<float>(std::sin(phi));
    const float u = static_cast<float>(s) / slices;
    bottom.push_back(b.Add(x, y, -1, x, y, 0, u, 0));
    top.push_back(b.Add(x, y, 1, x, y, 0, u, 1));
  }
  for (int s = 0; s < slices; ++s) b.Quad(bottom[s], bottom[s + 1], top[s + 1], top[s]);
  for (int sign = -1; sign <= 1; sign += 2) {
    const float z = static_cast<float>(sign);
    const uint32_t centre = b.Add(0, 0, z, 0, 0, z, 0.5f, 0.5f);
    std::vector<uint32_t> rim;
    for (int s = 0; s <= slices; ++s) {
      const double phi = 2 * M_PI * s / slices;
      const float x = static_cast<float>(std::cos(phi)), y = static_cast<float>(std::sin(phi));
      rim.push_back(b.Add(x, y, z, 0, 0, z, (x + 1) / 2, (y + 1) / 2));
    }
    for (int s = 0; s < slices; ++s) {
      if (sign > 0)
        b.Triangle(centre, rim[s], rim[s + 1]);
      else
        b.Triangle(centre, rim[s + 1], rim[s]);
    }
  }
  return b.End();
}

// Unit square in z = 0 facing +z; the vertex shader scales it by the plane's half sizes.
ShapeRange Plane(Builder& b) {
  b.Begin();
  const uint32_t a = b.Add(-1, -1, 0, 0, 0, 1, 0, 0), c = b.Add(1, -1, 0, 0, 0, 1, 1, 0);
  const uint32_t d = b.Add(1, 1, 0, 0, 0, 1, 1, 1), e = b.Add(-1, 1, 0, 0, 0, 1, 0, 1);
  b.Quad(a, c, d, e);
  return b.End();
}

// A mesh with three vertices per face. MuJoCo's vertex normals are averaged over every face
// that shares the vertex, which rounds off hard edges; where a vertex normal is more than 30
// degrees from its face's normal the face normal is used, so boxes stay boxes in the normals.
ShapeRange Mesh(Builder& b, const mjModel* m, int mesh) {
  b.Begin();
  const int vert0 = m->mesh_vertadr[mesh];
  const int tex0 = m->mesh_texcoordadr[mesh];
  const float cos_limit = static_cast<float>(std::cos(30 * M_PI / 180));
  for (int f = 0; f < m->mesh_facenum[mesh]; ++f) {
    const int* face = m->mesh_face + 3 * (m->mesh_faceadr[mesh] + f);
    const float* p[3];
    for (int k = 0; k < 3; ++k) p[k] = m->mesh_vert + 3 * (vert0 + face[k]);
    float e1[3], e2[3], fn[3];
    for (int i = 0; i < 3; ++i) e1[i] = p[1][i] - p[0][i], e2[i] = p[2][i] - p[0][i];
    fn[0] = e1[1] * e2[2] - e1[2] * e2[1];
    fn[1] = e1[2] * e2[0] - e1[0] * e2[2];
    fn[2] = e1[0] * e2[1] - e1[1] * e2[0];
    const float len = std::sqrt(fn[0] * fn[0] + fn[1] * fn[1] + fn[2] * fn[2]);
    if (len > 0)
      for (float& x : fn) x /= len;
    uint32_t ids[3];
    for (int k = 0; k < 3; ++k) {
      const float* vn = m->mesh_normal + 3 * (vert0 + face[k]);
      const bool smooth = vn[0] * fn[0] + vn[1] * fn[1] + vn[2] * fn[2] > cos_limit;
      const float* n = smooth || len == 0 ? vn : fn;
      float u = 0, v = 0;
      if (tex0 >= 0) {
        u = m->mesh_texcoord[2 * (tex0 + face[k])];
        v = m->mesh_texcoord[2 * (tex0 + face[k]) + 1];
      }
      ids[k] = b.Add(p[k][0], p[k][1], p[k][2], n[0], n[1], n[2], u, v);
    }
    b.Triangle(ids[0], ids[1], ids[2]);
  }
  return b.End();
}

// Distance from the origin to the nearest plane of a triangle of `range` (degenerate triangles,
// such as those at a sphere's poles or in a capsule's band before its halves move apart, have no
// plane and are skipped). Vertices of a convex tessellation lie on the unit shape, so scaling it
// by 1 / this distance makes every face plane, hence the whole shape, enclose the unit shape.
double NearestFacePlane(const Geometry& g, const ShapeRange& range) {
  double nearest = 1;
  for (uint32_t i = range.first_index; i < range.first_index + range.index_count; i += 3) {
    const float* p[3];
    for (int k = 0; k < 3; ++k) p[k] = g.vertices[g.indices[i + k]].position;
    double e1[3], e2[3];
    for (int c = 0; c < 3; ++c) e1[c] = p[1][c] - p[0][c], e2[c] = p[2][c] - p[0][c];
    const double n[3] = {e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2],
                         e1[0] * e2[1] - e1[1] * e2[0]};
    const double len = std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
    if (len < 1e-9) continue;
    nearest = std::min(nearest, std::abs(n[0] * p[0][0] + n[1] * p[0][1] + n[2] * p[0][2]) / len);
  }
  return nearest;
}

// A bounding proxy: `make` builds a coarse tessellation of the unit shape, which is then scaled
// (vertex positions, before the capsule's cap shift) to enclose the exact shape with a margin.
template <typename Make>
ShapeRange Proxy(Geometry& g, Make make) {
  const size_t first_vertex = g.vertices.size();
  const ShapeRange range = make();
  const float scale = static_cast<float>(kProxyMargin / NearestFacePlane(g, range));
  for (size_t v = first_vertex; v < g.vertices.size(); ++v)
    for (float& x : g.vertices[v].position) x *= scale;
  return range;
}

}  // namespace

bool IsRayCast(int shape) {
  return shape == kShapeSphere || shape == kShapeCapsule || shape == kShapeCylinder;
}

ExactShape ExactShapeOfGeom(const mjModel* m, int g) {
  switch (m->geom_type[g]) {
    case mjGEOM_SPHERE:
    case mjGEOM_ELLIPSOID: return kRayEllipsoid;
    case mjGEOM_CAPSULE: return kRayCapsule;
    case mjGEOM_CYLINDER: return kRayCylinder;
    case mjGEOM_BOX:
    case mjGEOM_PLANE: return kFlatFaces;
    default: return kInterpolated;
  }
}

Geometry BuildGeometry(const mjModel* m) {
  Geometry g;
  Builder b(g);
  g.shapes.resize(kShapeFirstMesh + m->nmesh);
  g.shapes[kShapeBox] = Box(b);
  g.shapes[kShapeSphere] = Sphere(b, false, kSphereStacks, kSphereSlices);
  g.shapes[kShapeCylinder] = Cylinder(b, kCylinderSlices);
  g.shapes[kShapeCapsule] = Sphere(b, true, kSphereStacks, kSphereSlices);
  g.shapes[kShapePlane] = Plane(b);
  for (int mesh = 0; mesh < m->nmesh; ++mesh) g.shapes[kShapeFirstMesh + mesh] = Mesh(b, m, mesh);
  g.proxies.resize(g.shapes.size());
  g.proxies[kShapeSphere] = Proxy(g, [&] { return Sphere(b, false, kProxyStacks, kProxySlices); });
  g.proxies[kShapeCapsule] = Proxy(g, [&] { return Sphere(b, true, kProxyStacks, kProxySlices); });
  g.proxies[kShapeCylinder] = Proxy(g, [&] { return Cylinder(b, kProxySlices); });
  return g;
}

int ShapeOfGeom(const mjModel* m, int g) {
  switch (m->geom_type[g]) {
    case mjGEOM_PLANE: return kShapePlane;
    case mjGEOM_SPHERE:
    case mjGEOM_ELLIPSOID: return kShapeSphere;
    case mjGEOM_CAPSULE: return kShapeCapsule;
    case mjGEOM_CYLINDER: return kShapeCylinder;
    case mjGEOM_BOX: return kShapeBox;
    case mjGEOM_MESH: return m->geom_dataid[g] >= 0 ? kShapeFirstMesh + m->geom_dataid[g] : -1;
    default: return -1;  // height fields are not drawn yet
  }
}

}  // namespace twin::render
