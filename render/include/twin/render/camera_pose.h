// Where a camera is, in the optical convention of OpenCV and ROS (REP 103 "_optical" frames):
// x right, y down, z forward along the optical axis. MuJoCo's cameras instead have x right, y up
// and look along their -z. Every user of a camera pose (the renderer's view matrix, datagen's BOP
// poses, the ROS bridge's camera tf) takes it from here.
#pragma once

#include <mujoco/mujoco.h>

#include <array>

namespace twin::render {

struct CameraPose {
  std::array<double, 3> position{0, 0, 0};  ///< optical centre, world frame, metres
  /// Row-major rotation whose columns are the camera's x (right), y (down) and z (forward) axes
  /// in world coordinates: p_world = rotation * p_camera + position.
  std::array<double, 9> rotation{1, 0, 0, 0, 1, 0, 0, 0, 1};
};

/// The pose of MJCF camera `camera` in `d`, from cam_xpos and cam_xmat (so the kinematics in `d`
/// must be current). A world point P is then at pixel (fx X/Z + cx, fy Y/Z + cy) with
/// (X, Y, Z) = rotation^T (P - position).
CameraPose OpenCvCameraPose(const mjData* d, int camera);

}  // namespace twin::render
