// Shared by the renderer tests: a validated Vulkan context per test, camera poses, and the
// independent truths (pinhole projection, MuJoCo's mj_ray) the renders are checked against.
#pragma once

#include <mujoco/mujoco.h>

#include <array>
#include <string>

#include <twin/render/context.h>
#include <twin/render/renderer.h>

namespace twin::testing {

inline constexpr double kDegree = 3.14159265358979323846 / 180;

/// A context with validation layers on; REQUIRE_NO_VALIDATION_MESSAGES checks it at the end.
render::Context& ValidatedContext();
void RequireNoValidationMessages(const render::Context& context);

/// Camera rotation (columns x right, y down, z forward in world) looking from `eye` at `target`
/// with world z up.
std::array<double, 9> LookAt(const std::array<double, 3>& eye, const std::array<double, 3>& target);

/// World point -> camera frame (OpenCV axes).
std::array<double, 3> ToCamera(const std::array<double, 3>& position,
                               const std::array<double, 9>& rotation,
                               const std::array<double, 3>& world);

/// The ray through pixel centre (u, v) of an undistorted camera: unit world direction.
std::array<double, 3> PixelRay(const render::CameraIntrinsics& k,
                               const std::array<double, 9>& rotation, double u, double v);

/// Depth along the optical axis of the first visible surface (geom groups 0-2) through pixel
/// (u, v), by mj_ray; 0 when the ray hits nothing. `geom` receives the geom hit or -1.
double RayDepth(const mjModel* m, const mjData* d, const render::CameraIntrinsics& k,
                const std::array<double, 3>& position, const std::array<double, 9>& rotation,
                double u, double v, int* geom = nullptr);

}  // namespace twin::testing
