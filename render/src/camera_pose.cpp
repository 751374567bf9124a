#include <twin/render/camera_pose.h>

namespace twin::render {

CameraPose OpenCvCameraPose(const mjData* d, int camera) {
  // cam_xmat's columns are MuJoCo's camera axes in world: x right, y up, z backward. OpenCV's
  // keep x and flip the other two.
  const mjtNum* xmat = d->cam_xmat + 9 * camera;
  CameraPose pose;
  for (int i = 0; i < 3; ++i) {
    pose.position[i] = d->cam_xpos[3 * camera + i];
    pose.rotation[3 * i + 0] = xmat[3 * i + 0];
    pose.rotation[3 * i + 1] = -xmat[3 * i + 1];
    pose.rotation[3 * i + 2] = -xmat[3 * i + 2];
  }
  return pose;
}

}  // namespace twin::render
