#include "render_support.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <memory>

namespace twin::testing {

render::Context& ValidatedContext() {
  // One context per test process: instance and device creation with validation is slow on
  // lavapipe, and a test's messages are checked against the count before and after it.
  static std::unique_ptr<render::Context> context =
      std::make_unique<render::Context>(render::ContextOptions{"", true});
  return *context;
}

void RequireNoValidationMessages(const render::Context& context) {
  const auto log = context.validation_log();
  for (const std::string& message : log) UNSCOPED_INFO("validation: " << message);
  REQUIRE(log.empty());
}

std::array<double, 9> LookAt(const std::array<double, 3>& eye,
                             const std::array<double, 3>& target) {
  double f[3], n = 0;
  for (int i = 0; i < 3; ++i) f[i] = target[i] - eye[i], n += f[i] * f[i];
  for (double& x : f) x /= std::sqrt(n);
  double r[3] = {f[1], -f[0], 0};  // forward x up
  const double rn = std::hypot(r[0], r[1]);
  for (double& x : r) x /= rn;
  const double d[3] = {f[1] * r[2] - f[2] * r[1], f[2] * r[0] - f[0] * r[2],
                       f[0] * r[1] - f[1] * r[0]};
  std::array<double, 9> rot;
  for (int i = 0; i < 3; ++i) {
    rot[3 * i + 0] = r[i];
    rot[3 * i + 1] = d[i];
    rot[3 * i + 2] = f[i];
  }
  return rot;
}

std::array<double, 3> ToCamera(const std::array<double, 3>& position,
                               const std::array<double, 9>& rotation,
                               const std::array<double, 3>& world) {
  std::array<double, 3> p{};
  for (int c = 0; c < 3; ++c)
    for (int i = 0; i < 3; ++i) p[c] += rotation[3 * i + c] * (world[i] - position[i]);
  return p;
}

std::array<double, 3> PixelRay(const render::CameraIntrinsics& k,
                               const std::array<double, 9>& rotation, double u, double v) {
  const double cam[3] = {(u - k.cx) / k.fx, (v - k.cy) / k.fy, 1.0};
  std::array<double, 3> dir{};
  double n = 0;
  for (int i = 0; i < 3; ++i) {
    for (int c = 0; c < 3; ++c) dir[i] += rotation[3 * i + c] * cam[c];
    n += dir[i] * dir[i];
  }
  for (double& x : dir) x /= std::sqrt(n);
  return dir;
}

double RayDepth(const mjModel* m, const mjData* d, const render::CameraIntrinsics& k,
                const std::array<double, 3>& position, const std::array<double, 9>& rotation,
                double u, double v, int* geom) {
  const std::array<double, 3> dir = PixelRay(k, rotation, u, v);
  const mjtByte groups[mjNGROUP] = {1, 1, 1, 0, 0, 0};
  int hit = -1;
  const double distance = mj_ray(m, d, position.data(), dir.data(), groups, 1, -1, &hit);
  if (geom) *geom = hit;
  if (hit < 0 || distance < 0) return 0;
  // Along the optical axis: the ray's forward component.
  double forward = 0;
  for (int i = 0; i < 3; ++i) forward += dir[i] * rotation[3 * i + 2];
  return distance * forward;
}

}  // namespace twin::testing
