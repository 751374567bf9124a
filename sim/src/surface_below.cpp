#include <twin/sim/surface_below.h>

#include <cmath>

namespace twin::sim {

std::optional<double> SurfaceBelow(const mjModel* m, const mjData* d, double x, double y,
                                   double z_top, const std::vector<bool>& ignored_root) {
  const mjtNum start[3] = {x, y, z_top}, down[3] = {0, 0, -1};
  double nearest = -1;
  for (int g = 0; g < m->ngeom; ++g) {
    if (m->geom_contype[g] == 0 && m->geom_conaffinity[g] == 0) continue;
    const int root = m->body_rootid[m->geom_bodyid[g]];
    if (!ignored_root.empty() && ignored_root[root]) continue;
    const mjtNum* pos = d->geom_xpos + 3 * g;
    const int type = m->geom_type[g];
    // Bounding sphere first (planes have none): most geoms are nowhere near the ray.
    if (type != mjGEOM_PLANE && std::hypot(pos[0] - x, pos[1] - y) > m->geom_rbound[g]) continue;
    double distance = -1;
    if (type == mjGEOM_MESH)
      distance = mj_rayMesh(m, d, g, start, down);
    else if (type == mjGEOM_HFIELD)
      distance = mj_rayHfield(m, d, g, start, down);
    else
      distance = mju_rayGeom(pos, d->geom_xmat + 9 * g, m->geom_size + 3 * g, start, down, type);
    if (distance >= 0 && (nearest < 0 || distance < nearest)) nearest = distance;
  }
  if (nearest < 0) return std::nullopt;
  return z_top - nearest;
}

}  // namespace twin::sim
