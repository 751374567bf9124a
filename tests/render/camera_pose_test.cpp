// The camera pose in OpenCV's convention against independent truth: a camera laid out by hand
// (look-at axes), and the pixels where the renderer draws known world points from a camera that
// MuJoCo's kinematics moves.
#include <twin/render/camera_pose.h>
#include <twin/render/renderer.h>
#include <twin/sim/world.h>

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "render_support.h"

using twin::render::CameraPose;
using Vec3 = std::array<double, 3>;

namespace {

Vec3 Normalized(const Vec3& v) {
  const double n = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  return {v[0] / n, v[1] / n, v[2] / n};
}
Vec3 Cross(const Vec3& a, const Vec3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
std::string Text(const Vec3& v) {
  std::ostringstream out;
  out.precision(17);
  out << v[0] << " " << v[1] << " " << v[2];
  return out.str();
}

// Pixel of world point `p` through `pose` and pinhole K.
std::array<double, 2> Project(const CameraPose& pose, const twin::render::CameraIntrinsics& k,
                              const Vec3& p) {
  Vec3 c{};
  for (int col = 0; col < 3; ++col)
    for (int row = 0; row < 3; ++row)
      c[col] += pose.rotation[3 * row + col] * (p[row] - pose.position[row]);
  return {k.fx * c[0] / c[2] + k.cx, k.fy * c[1] / c[2] + k.cy};
}

}  // namespace

TEST_CASE("OpenCvCameraPose of a camera laid out by hand: x right, y down, z at the target",
          "[render][camera-pose]") {
  const Vec3 eye{1.5, -2.0, 1.2}, target{-0.3, 0.7, 0.4};
  // By hand: forward at the target, right level (perpendicular to world z), down completes it.
  const Vec3 forward = Normalized({target[0] - eye[0], target[1] - eye[1], target[2] - eye[2]});
  const Vec3 right = Normalized(Cross(forward, {0, 0, 1}));
  const Vec3 down = Cross(forward, right);
  // MJCF's camera: x right, y up (-down); it looks along its -z.
  const std::string xml = "<mujoco><worldbody><camera name='c' pos='" + Text(eye) + "' xyaxes='" +
                          Text(right) + " " + Text({-down[0], -down[1], -down[2]}) +
                          "'/></worldbody></mujoco>";
  twin::sim::World world = twin::sim::World::FromXml(xml);
  const CameraPose pose = twin::render::OpenCvCameraPose(world.data(), 0);
  for (int i = 0; i < 3; ++i) {
    CHECK(pose.position[i] == Approx(eye[i]).margin(1e-12));
    CHECK(pose.rotation[3 * i + 0] == Approx(right[i]).margin(1e-9));
    CHECK(pose.rotation[3 * i + 1] == Approx(down[i]).margin(1e-9));
    CHECK(pose.rotation[3 * i + 2] == Approx(forward[i]).margin(1e-9));
  }
  // The target is straight ahead: at the principal point.
  const twin::render::CameraIntrinsics k{640, 480, 500, 500, 319.5, 239.5};
  const auto uv = Project(pose, k, target);
  CHECK(uv[0] == Approx(319.5).margin(1e-6));
  CHECK(uv[1] == Approx(239.5).margin(1e-6));
  // A point above the target (world +z) is above it in the image: smaller v.
  CHECK(Project(pose, k, {target[0], target[1], target[2] + 0.1})[1] < 239.5);
  // A point to the camera's right is right of it: larger u.
  CHECK(Project(pose, k, {target[0] + right[0], target[1] + right[1], target[2]})[0] > 319.5);
}

TEST_CASE(
    "The renderer draws known world points where OpenCvCameraPose and K project them, from "
    "a camera moved by MuJoCo's kinematics",
    "[render][camera-pose]") {
  // The camera rides on an arm turned about a tilted hinge; small spheres stand in the world.
  std::vector<Vec3> points;
  for (int i = -2; i <= 2; ++i)
    for (int j = -1; j <= 1; ++j) points.push_back({3.0 + 0.2 * j, 0.5 * i, 1.0 + 0.35 * j});
  std::ostringstream xml;
  xml << "<mujoco><worldbody>";
  for (size_t s = 0; s < points.size(); ++s)
    xml << "<body name='s" << s << "' pos='" << Text(points[s])
        << "'><geom type='sphere' size='0.01'/></body>";
  xml << "<body name='arm' pos='0 0 1'><joint name='turn' type='hinge' axis='0.2 0.1 1'/>"
         "<geom type='box' size='0.05 0.05 0.05' contype='0' conaffinity='0' group='3'/>"
         "<camera name='c' pos='0.2 0.1 0.05' xyaxes='0.05 -1 0.05 0.1 0.05 1' fovy='50'/></body>";
  xml << "</worldbody></mujoco>";
  twin::sim::World world = twin::sim::World::FromXml(xml.str());
  auto& context = twin::testing::ValidatedContext();
  for (double angle : {-0.15, 0.0, 0.2}) {
    CAPTURE(angle);
    world.JointQpos(world.JointId("turn"))[0] = angle;
    world.Forward();
    const mjData* d = world.data();
    twin::render::Renderer renderer(context, world.model(),
                                    twin::render::LabelsFromModel(world.model()));
    const twin::render::RenderCamera camera =
        twin::render::CameraFromModel(world.model(), 0, 800, 600);
    renderer.AddCamera(camera);
    const twin::render::CameraFrame frame = renderer.Render(d, twin::render::kLabels)[0];
    const CameraPose pose = twin::render::OpenCvCameraPose(d, 0);
    // A rotation (orthonormal, det +1), so the image is not mirrored.
    mjtNum r[9], rrt[9];
    for (int i = 0; i < 9; ++i) r[i] = pose.rotation[i];
    mju_mulMatMatT(rrt, r, r, 3, 3, 3);
    for (int i = 0; i < 9; ++i) CHECK(rrt[i] == Approx(i % 4 == 0 ? 1 : 0).margin(1e-12));
    const Vec3 x{r[0], r[3], r[6]}, y{r[1], r[4], r[7]}, z{r[2], r[5], r[8]};
    const Vec3 xy = Cross(x, y);
    CHECK(xy[0] * z[0] + xy[1] * z[1] + xy[2] * z[2] == Approx(1).margin(1e-12));

    std::map<int, std::array<double, 3>> sums;  // instance id -> sum u, sum v, pixels
    for (int v = 0; v < frame.height; ++v)
      for (int u = 0; u < frame.width; ++u)
        if (const int id = frame.instance[v * frame.width + u]) {
          sums[id][0] += u;
          sums[id][1] += v;
          sums[id][2] += 1;
        }
    int seen = 0;
    for (size_t s = 0; s < points.size(); ++s) {
      const auto uv = Project(pose, camera.intrinsics, points[s]);
      const bool inside =
          uv[0] > 5 && uv[0] < frame.width - 6 && uv[1] > 5 && uv[1] < frame.height - 6;
      const auto it = sums.find(static_cast<int>(s) + 1);  // body order = instance order
      CAPTURE(s, uv[0], uv[1]);
      CHECK((it != sums.end()) == inside);
      if (it == sums.end() || !inside) continue;
      ++seen;
      CHECK(it->second[0] / it->second[2] == Approx(uv[0]).margin(0.5));
      CHECK(it->second[1] / it->second[2] == Approx(uv[1]).margin(0.5));
    }
    CHECK(seen >= 10);  // not vacuous: most points are in view
    // PoseOf an MJCF camera is this pose; of a free camera, the pose it was given.
    const CameraPose of = twin::render::PoseOf(camera, d);
    CHECK(of.position == pose.position);
    CHECK(of.rotation == pose.rotation);
  }
  twin::render::RenderCamera free_camera;
  free_camera.position = {1, 2, 3};
  free_camera.rotation = {0, 0, 1, -1, 0, 0, 0, -1, 0};
  CHECK(twin::render::PoseOf(free_camera, world.data()).rotation == free_camera.rotation);
  CHECK(twin::render::PoseOf(free_camera, world.data()).position == free_camera.position);
  twin::testing::RequireNoValidationMessages(context);
}
