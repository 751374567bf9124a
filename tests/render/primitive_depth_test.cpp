// Spheres, capsules, cylinders and ellipsoids are drawn exactly (ray-cast per pixel), with boxes
// and a plane as controls: every pixel's depth and ids against mj_ray through its centre, from
// 0.5 m to 30 m away and from several directions, with tilted and upright shapes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <twin/render/renderer.h>
#include <twin/sim/world.h>

#include "pixel_truth.h"
#include "render_support.h"

using twin::render::CameraFrame;
using twin::render::RenderCamera;
using twin::render::Renderer;

namespace {

// Each primitive floating over a floor (tilted, and for capsules and cylinders also upright or
// lying), well apart. Sizes are those of warehouse things: rollers, posts, balls, cartons.
constexpr const char* kPrimitiveScene = R"(
<mujoco>
  <visual><quality shadowsize="512"/></visual>
  <worldbody>
    <light pos="0 0 20" dir="0 0 -1" directional="true" castshadow="true"/>
    <geom name="floor" type="plane" size="200 200 0.1"/>
    <geom name="sphere" type="sphere" pos="0 0 1.5" size="0.3"/>
    <geom name="capsule" type="capsule" pos="6 0 1.5" euler="30 50 10" size="0.15 0.4"/>
    <geom name="cylinder" type="cylinder" pos="12 0 1.5" euler="70 20 0" size="0.3 0.5"/>
    <geom name="ellipsoid" type="ellipsoid" pos="18 0 1.5" euler="10 40 60" size="0.45 0.25 0.15"/>
    <geom name="box" type="box" pos="24 0 1.5" euler="15 25 35" size="0.3 0.2 0.4"/>
    <geom name="post" type="cylinder" pos="0 6 0.8" size="0.06 0.8"/>
    <geom name="roller" type="capsule" pos="6 6 0.4" euler="90 0 0" size="0.04 0.6"/>
    <geom name="ball" type="sphere" pos="12 6 0.8" size="0.05"/>
  </worldbody>
</mujoco>)";

struct View {
  std::string target;
  double distance;  // from the target's bounding sphere, metres
  std::array<double, 3> position;
  std::array<double, 9> rotation;
  twin::render::CameraIntrinsics intrinsics;
};

// Views of geom `g` from `distance` metres off its bounding sphere, at azimuth and elevation
// (degrees): a wide camera, and one whose field of view the geom fills by a third.
std::vector<View> ViewsOf(const mjModel* m, const mjData* d, int g, double distance, double azimuth,
                          double elevation) {
  const double radius = m->geom_rbound[g];
  const double reach = distance + radius;
  const double a = azimuth * twin::testing::kDegree, e = elevation * twin::testing::kDegree;
  std::array<double, 3> target, eye;
  for (int i = 0; i < 3; ++i) target[i] = d->geom_xpos[3 * g + i];
  const double dir[3] = {std::cos(e) * std::cos(a), std::cos(e) * std::sin(a), std::sin(e)};
  for (int i = 0; i < 3; ++i) eye[i] = target[i] + reach * dir[i];
  const std::array<double, 9> rotation = twin::testing::LookAt(eye, target);
  const std::string name = mj_id2name(m, mjOBJ_GEOM, g);
  const double tele = std::clamp(40 * reach / radius, 120.0, 5000.0);
  return {{name, distance, eye, rotation, {320, 240, 200, 200, 159.5, 119.5}},
          {name, distance, eye, rotation, {320, 240, tele, tele, 161.3, 118.2}}};
}

}  // namespace

namespace {

const char* TypeName(int type) {
  switch (type) {
    case mjGEOM_PLANE: return "plane";
    case mjGEOM_BOX: return "box";
    case mjGEOM_SPHERE: return "sphere";
    case mjGEOM_CAPSULE: return "capsule";
    case mjGEOM_CYLINDER: return "cylinder";
    case mjGEOM_ELLIPSOID: return "ellipsoid";
    default: return "other";
  }
}

// The outward normal (camera frame, unit) of curved geom g at world point p, from its shape's
// equation in the geom's frame; false near a cylinder's rim, where it is not defined.
bool CurvedNormal(const mjModel* m, const mjData* d, int g, const std::array<double, 3>& p,
                  const std::array<double, 9>& camera_rotation, std::array<double, 3>& out) {
  const mjtNum* r = d->geom_xmat + 9 * g;
  const mjtNum* size = m->geom_size + 3 * g;
  double local[3] = {0, 0, 0}, n[3];
  for (int k = 0; k < 3; ++k)
    for (int i = 0; i < 3; ++i) local[k] += r[3 * i + k] * (p[i] - d->geom_xpos[3 * g + i]);
  switch (m->geom_type[g]) {
    case mjGEOM_SPHERE:
      for (int k = 0; k < 3; ++k) n[k] = local[k];
      break;
    case mjGEOM_ELLIPSOID:
      for (int k = 0; k < 3; ++k) n[k] = local[k] / (size[k] * size[k]);
      break;
    case mjGEOM_CAPSULE:
      n[0] = local[0], n[1] = local[1];
      n[2] = local[2] - std::clamp(local[2], -size[1], size[1]);
      break;
    case mjGEOM_CYLINDER: {
      const double radial = std::hypot(local[0], local[1]);
      const bool side = std::abs(local[2]) < size[1] * 0.999;
      const bool cap = radial < size[0] * 0.999;
      if (side == cap) return false;  // the rim (or off the surface)
      n[0] = side ? local[0] : 0, n[1] = side ? local[1] : 0;
      n[2] = side ? 0 : (local[2] > 0 ? 1 : -1);
      break;
    }
    default: return false;
  }
  double world[3] = {0, 0, 0}, norm = 0;
  for (int i = 0; i < 3; ++i)
    for (int k = 0; k < 3; ++k) world[i] += r[3 * i + k] * n[k];
  out = {0, 0, 0};
  for (int c = 0; c < 3; ++c) {
    for (int i = 0; i < 3; ++i) out[c] += camera_rotation[3 * i + c] * world[i];
    norm += out[c] * out[c];
  }
  for (double& x : out) x /= std::sqrt(norm);
  return true;
}

}  // namespace

TEST_CASE("Curved primitives: every pixel's depth and ids equal mj_ray's, 0.5 m to 30 m",
          "[render][depth][primitives]") {
  twin::sim::World world = twin::sim::World::FromXml(kPrimitiveScene);
  const mjModel* m = world.model();
  mjData* d = world.data();
  mj_forward(m, d);
  auto& context = twin::testing::ValidatedContext();
  const twin::render::SceneLabels labels = twin::render::LabelsFromModel(m);
  Renderer renderer(context, m, labels);
  RenderCamera camera;
  camera.name = "probe";
  camera.intrinsics = {320, 240, 200, 200, 159.5, 119.5};
  renderer.AddCamera(camera);

  // Every target from 0.5, 3, 10 and 30 m off its bounding sphere, each from its own direction,
  // all around and from just over the horizon to nearly overhead: 64 views.
  std::vector<View> views;
  int k = 0;
  for (const char* target :
       {"sphere", "capsule", "cylinder", "ellipsoid", "box", "post", "roller", "ball"})
    for (const double distance : {0.5, 3.0, 10.0, 30.0}) {
      const int g = mj_name2id(m, mjOBJ_GEOM, target);
      REQUIRE(g >= 0);
      const double azimuth = 20 + 67 * k, elevation = 8 + (29 * k) % 78;
      ++k;
      for (View& v : ViewsOf(m, d, g, distance, azimuth, elevation)) views.push_back(v);
    }

  std::map<std::string, twin::testing::GeomDepthError> by_type;
  int silhouette = 0, steep = 0, surface = 0, normals = 0;
  double worst_normal_deg = 0;
  for (const View& view : views) {
    CAPTURE(view.target, view.distance, view.intrinsics.fx);
    renderer.SetCameraPose(0, view.position, view.rotation);
    renderer.SetCameraIntrinsics(0, view.intrinsics);
    const CameraFrame frame =
        renderer.Render(d, twin::render::kDepth | twin::render::kLabels | twin::render::kNormal)[0];
    const twin::testing::PixelTruth truth =
        twin::testing::ComparePixels(m, d, frame, view.position, view.rotation, labels);
    for (const std::string& f : truth.failures) UNSCOPED_INFO(f);
    INFO(twin::testing::Summary(truth));
    CHECK(truth.ok());
    silhouette += truth.silhouette;
    steep += truth.steep;
    surface += truth.surface;
    for (const auto& [g, e] : truth.by_geom) by_type[TypeName(m->geom_type[g])].Add(e);

    // Normals of the curved shapes: those of their equations at mj_ray's hit (8-bit in the
    // frame: within 1 degree).
    for (int v = 0; v < frame.height; ++v)
      for (int u = 0; u < frame.width; ++u) {
        int g = -1;
        const double z =
            twin::testing::RayDepth(m, d, frame.intrinsics, view.position, view.rotation, u, v, &g);
        const size_t i = static_cast<size_t>(v) * frame.width + u;
        if (g < 0 || frame.instance[i] != labels.geom_instance[g]) continue;
        const auto dir = twin::testing::PixelRay(frame.intrinsics, view.rotation, u, v);
        double forward = 0;
        for (int c = 0; c < 3; ++c) forward += dir[c] * view.rotation[3 * c + 2];
        std::array<double, 3> p, n;
        for (int c = 0; c < 3; ++c) p[c] = view.position[c] + z / forward * dir[c];
        if (!CurvedNormal(m, d, g, p, view.rotation, n)) continue;
        double cos = 0;
        for (int c = 0; c < 3; ++c) cos += n[c] * frame.normal[3 * i + c];
        worst_normal_deg =
            std::max(worst_normal_deg, std::acos(std::min(cos, 1.0)) / twin::testing::kDegree);
        ++normals;
      }
  }
  // Every type seen near and far, most of the image on a surface.
  for (const char* type : {"sphere", "capsule", "cylinder", "ellipsoid", "box", "plane"}) {
    CAPTURE(type);
    const twin::testing::GeomDepthError& e = by_type[type];
    WARN(type << ": " << e.pixels << " pixels from " << e.nearest << " m to " << e.farthest
              << " m; worst error less the slope term " << e.worst_near * 1e6 << " um up to 10 m, "
              << e.worst_far_relative << " relative beyond; raw error "
              << "median " << e.Quantile(0.5) * 1e6 << " um, p99 " << e.Quantile(0.99) * 1e6
              << " um, max " << e.Quantile(1) * 1e6 << " um");
    CHECK(e.pixels > 10000);
    CHECK(e.nearest < 1.5);
    CHECK(e.farthest > 30);
    if (std::string(type) != "box" && std::string(type) != "plane") CHECK(e.Quantile(0.99) < 1e-5);
  }
  WARN(surface << " surface pixels: " << steep << " steep, " << silhouette
               << " silhouette; normals of " << normals << " curved pixels within "
               << worst_normal_deg << " degrees");
  CHECK(silhouette < 2e-4 * surface);
  CHECK(normals > 100000);
  CHECK(worst_normal_deg < 1.0);
  twin::testing::RequireNoValidationMessages(context);
}
