#include <twin/datagen/bop.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>

#include <twin/render/renderer.h>
#include <twin/render/scene_cameras.h>
#include <twin/sim/site_world.h>
#include <twin/sim/world.h>

#include "render_support.h"

using namespace twin::datagen;

namespace {

// Boxes resting on a floor, each geom offset inside its (rotated) body, seen at an angle.
const char* kBoxes = R"(
<mujoco>
  <worldbody>
    <light pos="0 0 3" dir="0 0 -1"/>
    <geom name="floor" type="plane" size="3 3 0.1"/>
    <camera name="view" pos="0 -1.2 1.6" xyaxes="1 0 0 0 0.8 0.6"/>
    <body name="carton_a" pos="-0.35 0.1 0.1" quat="0.9659 0 0 0.2588">
      <freejoint/>
      <geom type="box" size="0.12 0.08 0.06" pos="0.02 0.01 0.03" rgba="0.8 0.5 0.2 1"/>
    </body>
    <body name="carton_b" pos="0.4 -0.15 0.25" quat="0.9239 0.1 0.2 0.3">
      <freejoint/>
      <geom type="box" size="0.07 0.1 0.05" pos="-0.01 0 0.02" rgba="0.2 0.6 0.8 1"/>
    </body>
    <body name="crate" pos="-0.02 0.4 0.15" euler="0 0 -40">
      <freejoint/>
      <geom type="box" size="0.15 0.1 0.09" rgba="0.4 0.8 0.3 1"/>
    </body>
  </worldbody>
</mujoco>)";

}  // namespace

TEST_CASE("BOP poses put each box's model corners inside its mask, translations are MuJoCo's",
          "[datagen][bop]") {
  twin::sim::World world = twin::sim::World::FromXml(kBoxes);
  const mjModel* m = world.model();
  mjData* d = world.data();
  mj_forward(m, d);
  const twin::render::SceneLabels labels = twin::render::LabelsFromModel(m);
  twin::render::Renderer renderer(twin::testing::ValidatedContext(), m, labels);
  renderer.AddCamera(twin::render::CameraFromModel(m, 0, 640, 480));
  const twin::render::CameraFrame f = renderer.Render(d).front();

  // Mask boxes of every instance present.
  std::map<int, std::array<int, 4>> boxes;  // id -> x0 y0 x1 y1
  for (int v = 0; v < f.height; ++v)
    for (int u = 0; u < f.width; ++u) {
      const int id = f.instance[v * f.width + u];
      if (!id) continue;
      auto [it, added] = boxes.try_emplace(id, std::array<int, 4>{u, v, u, v});
      auto& b = it->second;
      b = {std::min(b[0], u), std::min(b[1], v), std::max(b[2], u), std::max(b[3], v)};
    }
  std::vector<int> visible;
  for (const auto& [id, box] : boxes) visible.push_back(id);

  const twin::render::CameraPose camera_pose = twin::render::OpenCvCameraPose(d, 0);
  const auto poses =
      CameraObjectPoses(m, d, labels, camera_pose.position, camera_pose.rotation, visible);
  REQUIRE(poses.size() == 3);  // the floor is structure: no body
  const nlohmann::json info = ModelsInfo(m, d, labels);
  REQUIRE(info.size() == 3);
  const nlohmann::json camera = SceneCameraFrame(f.intrinsics, 1.0);
  const std::vector<double> K = camera.at("cam_K").get<std::vector<double>>();
  CHECK(camera.at("depth_scale") == 1.0);

  for (const ObjectPose& pose : poses) {
    const std::string name = labels.instances[pose.obj_id - 1];
    CAPTURE(name);
    const int body = mj_name2id(m, mjOBJ_BODY, name.c_str());
    REQUIRE(body > 0);
    CHECK(pose.class_id == labels.instance_class[pose.obj_id - 1]);

    // Translation: MuJoCo's camera frame (x right, y up, z back) from mju, flipped, in mm.
    mjtNum offset[3], in_camera[3];
    mju_sub3(offset, d->xpos + 3 * body, d->cam_xpos);
    mju_mulMatTVec(in_camera, d->cam_xmat, offset, 3, 3);
    CHECK(pose.t_m2c_mm[0] == Approx(1000 * in_camera[0]).margin(1e-9));
    CHECK(pose.t_m2c_mm[1] == Approx(-1000 * in_camera[1]).margin(1e-9));
    CHECK(pose.t_m2c_mm[2] == Approx(-1000 * in_camera[2]).margin(1e-9));
    // Rotation: orthonormal, det +1, and MuJoCo's cam^T body with rows y and z flipped.
    mjtNum r[9];
    mju_mulMatTMat(r, d->cam_xmat, d->xmat + 9 * body, 3, 3, 3);
    for (int i = 0; i < 9; ++i) CHECK(pose.R_m2c[i] == Approx(i < 3 ? r[i] : -r[i]).margin(1e-12));
    const auto& R = pose.R_m2c;
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) {
        double dot = 0;
        for (int k = 0; k < 3; ++k) dot += R[3 * i + k] * R[3 * j + k];
        CHECK(dot == Approx(i == j ? 1 : 0).margin(1e-9));
      }
    const double det = R[0] * (R[4] * R[8] - R[5] * R[7]) - R[1] * (R[3] * R[8] - R[5] * R[6]) +
                       R[2] * (R[3] * R[7] - R[4] * R[6]);
    CHECK(det == Approx(1).margin(1e-9));

    // The model box is the geom's box in the body frame: offset +- half sizes, mm.
    const nlohmann::json& model = info.at(std::to_string(pose.obj_id));
    const int geom = m->body_geomadr[body];
    for (int j = 0; j < 3; ++j) {
      const char* axis[] = {"x", "y", "z"};
      CHECK(model.at(std::string("min_") + axis[j]).get<double>() ==
            Approx(1000 * (m->geom_pos[3 * geom + j] - m->geom_size[3 * geom + j])));
      CHECK(model.at(std::string("size_") + axis[j]).get<double>() ==
            Approx(2000 * m->geom_size[3 * geom + j]));
    }

    // Its 8 corners, through the pose and cam_K, land in the mask's box (grown by 1.5 px), and
    // span it (a box's silhouette is the hull of its corners).
    double u0 = 1e9, v0 = 1e9, u1 = -1e9, v1 = -1e9;
    for (int c = 0; c < 8; ++c) {
      double p[3];
      for (int j = 0; j < 3; ++j) {
        const char* axis[] = {"x", "y", "z"};
        p[j] = model.at(std::string("min_") + axis[j]).get<double>() +
               (c >> j & 1) * model.at(std::string("size_") + axis[j]).get<double>();
      }
      double q[3];
      for (int i = 0; i < 3; ++i)
        q[i] = R[3 * i] * p[0] + R[3 * i + 1] * p[1] + R[3 * i + 2] * p[2] + pose.t_m2c_mm[i];
      REQUIRE(q[2] > 0);
      const double u = K[0] * q[0] / q[2] + K[2], v = K[4] * q[1] / q[2] + K[5];
      u0 = std::min(u0, u), v0 = std::min(v0, v), u1 = std::max(u1, u), v1 = std::max(v1, v);
    }
    const auto& box = boxes.at(pose.obj_id);
    CAPTURE(u0, v0, u1, v1, box[0], box[1], box[2], box[3]);
    CHECK(u0 >= box[0] - 1.5);
    CHECK(v0 >= box[1] - 1.5);
    CHECK(u1 <= box[2] + 1.5);
    CHECK(v1 <= box[3] + 1.5);
    CHECK(u0 <= box[0] + 1.5);
    CHECK(v0 <= box[1] + 1.5);
    CHECK(u1 >= box[2] - 1.5);
    CHECK(v1 >= box[3] - 1.5);
  }

  const nlohmann::json gt = SceneGtFrame(poses);
  REQUIRE(gt.size() == 3);
  CHECK(gt[0].at("obj_id") == poses[0].obj_id);
  CHECK(gt[0].at("cam_R_m2c").size() == 9);
  CHECK(gt[0].at("cam_t_m2c").get<std::vector<double>>() ==
        std::vector<double>(poses[0].t_m2c_mm.begin(), poses[0].t_m2c_mm.end()));
  // Only visible instances get poses.
  CHECK(
      CameraObjectPoses(m, d, labels, camera_pose.position, camera_pose.rotation, {visible.back()})
          .size() == 1);
  twin::testing::RequireNoValidationMessages(twin::testing::ValidatedContext());
}

TEST_CASE("In a layout every entity has its root body and a model box, and structure has neither",
          "[datagen][bop]") {
  twin::sim::SiteWorld site =
      twin::sim::LoadSiteWorld(std::string(TWIN_TWINS_DIR) + "/warehouse.yaml", {});
  const mjModel* m = site.world.model();
  mjData* d = site.world.data();
  mj_forward(m, d);
  const twin::render::SceneLabels labels = twin::render::SceneLabelsOf(site.scene, m);
  const nlohmann::json info = ModelsInfo(m, d, labels);
  const auto& entities = site.scene.site.entities;
  REQUIRE(entities.size() > 10);
  for (const auto& e : entities) {
    CAPTURE(e.name);
    const int body = InstanceRootBody(m, labels, e.instance_id);
    REQUIRE(body > 0);
    CHECK(mj_id2name(m, mjOBJ_BODY, body) == e.name);
    const nlohmann::json& model = info.at(std::to_string(e.instance_id));
    CHECK(model.at("name") == e.name);
    for (const char* size : {"size_x", "size_y", "size_z"}) CHECK(model.at(size).get<double>() > 0);
  }
  // Instances after the entities are structure (floor, walls): no body, no model.
  CHECK(labels.instances.size() > entities.size());
  for (size_t id = entities.size() + 1; id <= labels.instances.size(); ++id) {
    CHECK(InstanceRootBody(m, labels, static_cast<int>(id)) == -1);
    CHECK(!info.contains(std::to_string(id)));
  }
}
