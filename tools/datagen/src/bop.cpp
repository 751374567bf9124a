#include <twin/datagen/bop.h>

#include <algorithm>
#include <limits>
#include <string>

#include <twin/base/error.h>

namespace twin::datagen {
namespace {

// out = a^T b, 3x3 row-major.
std::array<double, 9> TransposeTimes(const std::array<double, 9>& a, const mjtNum* b) {
  std::array<double, 9> out{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k) out[3 * i + j] += a[3 * k + i] * b[3 * k + j];
  return out;
}

// Points of a geom, in its own frame, whose box is the geom's box: a mesh's vertices, the 8
// corners of the bounding box of a primitive. Empty for infinite geoms.
std::vector<std::array<double, 3>> GeomHull(const mjModel* m, int g) {
  const mjtNum* s = m->geom_size + 3 * g;
  double h[3];
  switch (m->geom_type[g]) {
    case mjGEOM_SPHERE: h[0] = h[1] = h[2] = s[0]; break;
    case mjGEOM_CAPSULE: h[0] = h[1] = s[0], h[2] = s[0] + s[1]; break;
    case mjGEOM_CYLINDER: h[0] = h[1] = s[0], h[2] = s[1]; break;
    case mjGEOM_ELLIPSOID:
    case mjGEOM_BOX: h[0] = s[0], h[1] = s[1], h[2] = s[2]; break;
    case mjGEOM_MESH: {
      const int mesh = m->geom_dataid[g];
      std::vector<std::array<double, 3>> points(m->mesh_vertnum[mesh]);
      const float* v = m->mesh_vert + 3 * m->mesh_vertadr[mesh];
      for (size_t i = 0; i < points.size(); ++i) points[i] = {v[3 * i], v[3 * i + 1], v[3 * i + 2]};
      return points;
    }
    default: return {};  // plane, height field
  }
  std::vector<std::array<double, 3>> corners;
  for (int c = 0; c < 8; ++c)
    corners.push_back({c & 1 ? h[0] : -h[0], c & 2 ? h[1] : -h[1], c & 4 ? h[2] : -h[2]});
  return corners;
}

}  // namespace

int InstanceRootBody(const mjModel* m, const render::SceneLabels& labels, int instance_id) {
  TWIN_DEMAND(instance_id >= 1 && instance_id <= static_cast<int>(labels.instances.size()));
  const int body = mj_name2id(m, mjOBJ_BODY, labels.instances[instance_id - 1].c_str());
  return body > 0 ? body : -1;
}

std::vector<ObjectPose> CameraObjectPoses(const mjModel* m, const mjData* d,
                                          const render::SceneLabels& labels,
                                          const std::array<double, 3>& camera_position,
                                          const std::array<double, 9>& camera_rotation,
                                          const std::vector<int>& visible) {
  std::vector<ObjectPose> poses;
  for (int id : visible) {
    if (id < 1 || id > static_cast<int>(labels.instances.size())) continue;
    const int body = InstanceRootBody(m, labels, id);
    if (body < 0) continue;
    ObjectPose pose;
    pose.obj_id = id;
    pose.class_id = labels.instance_class[id - 1];
    // Camera rotation R_wc (camera -> world): R_m2c = R_wc^T R_wb, t = R_wc^T (p_b - p_c).
    pose.R_m2c = TransposeTimes(camera_rotation, d->xmat + 9 * body);
    mjtNum offset[3];
    for (int i = 0; i < 3; ++i) offset[i] = d->xpos[3 * body + i] - camera_position[i];
    for (int i = 0; i < 3; ++i) {
      double t = 0;
      for (int k = 0; k < 3; ++k) t += camera_rotation[3 * k + i] * offset[k];
      pose.t_m2c_mm[i] = 1000 * t;
    }
    poses.push_back(pose);
  }
  return poses;
}

nlohmann::json SceneGtFrame(const std::vector<ObjectPose>& poses) {
  nlohmann::json frame = nlohmann::json::array();
  for (const ObjectPose& p : poses)
    frame.push_back({{"obj_id", p.obj_id},
                     {"class_id", p.class_id},
                     {"cam_R_m2c", p.R_m2c},
                     {"cam_t_m2c", p.t_m2c_mm}});
  return frame;
}

nlohmann::json SceneCameraFrame(const render::CameraIntrinsics& k, double depth_scale_mm) {
  return {{"cam_K", {k.fx, 0.0, k.cx, 0.0, k.fy, k.cy, 0.0, 0.0, 1.0}},
          {"depth_scale", depth_scale_mm}};
}

nlohmann::json ModelsInfo(const mjModel* m, const mjData* d, const render::SceneLabels& labels) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const int count = static_cast<int>(labels.instances.size());
  std::vector<std::array<double, 6>> boxes(count + 1, {kInf, kInf, kInf, -kInf, -kInf, -kInf});
  std::vector<int> roots(count + 1, -1);
  for (int id = 1; id <= count; ++id) roots[id] = InstanceRootBody(m, labels, id);
  for (int g = 0; g < m->ngeom; ++g) {
    const int id = labels.geom_instance[g];
    if (id < 1 || id > count || roots[id] < 0) continue;
    const int root = roots[id];
    const mjtNum* rr = d->xmat + 9 * root;  // root -> world
    const mjtNum* rp = d->xpos + 3 * root;
    const mjtNum* gr = d->geom_xmat + 9 * g;
    const mjtNum* gp = d->geom_xpos + 3 * g;
    for (const auto& v : GeomHull(m, g)) {
      double world[3];
      for (int i = 0; i < 3; ++i)
        world[i] = gp[i] + gr[3 * i] * v[0] + gr[3 * i + 1] * v[1] + gr[3 * i + 2] * v[2] - rp[i];
      for (int j = 0; j < 3; ++j) {
        const double local = rr[j] * world[0] + rr[3 + j] * world[1] + rr[6 + j] * world[2];
        boxes[id][j] = std::min(boxes[id][j], local);
        boxes[id][3 + j] = std::max(boxes[id][3 + j], local);
      }
    }
  }
  nlohmann::json info = nlohmann::json::object();
  for (int id = 1; id <= count; ++id) {
    const auto& b = boxes[id];
    if (!(b[0] <= b[3])) continue;  // no root body, or only infinite geoms
    info[std::to_string(id)] = {{"name", labels.instances[id - 1]},
                                {"class_id", labels.instance_class[id - 1]},
                                {"min_x", 1000 * b[0]},
                                {"min_y", 1000 * b[1]},
                                {"min_z", 1000 * b[2]},
                                {"size_x", 1000 * (b[3] - b[0])},
                                {"size_y", 1000 * (b[4] - b[1])},
                                {"size_z", 1000 * (b[5] - b[2])}};
  }
  return info;
}

}  // namespace twin::datagen
