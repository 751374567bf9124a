// What the renderer gives back for one camera at one instant: every modality at the camera's
// resolution, row-major, top row first, pixel (0, 0) top left.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <twin/render/camera_model.h>

namespace twin::render {

struct CameraFrame {
  std::string camera;  ///< camera name
  CameraIntrinsics intrinsics;
  int width = 0, height = 0;
  double time = 0;                 ///< simulation time of the state rendered, s
  std::vector<uint8_t> rgb;        ///< 3 bytes per pixel, sRGB
  std::vector<float> depth;        ///< metres along the optical axis; 0 = no surface
  std::vector<uint16_t> instance;  ///< entity instance id; 0 = background
  std::vector<uint16_t> semantic;  ///< class id; 0 = background
  std::vector<float> normal;       ///< 3 floats per pixel: unit normal in the camera frame
                                   ///< (x right, y down, z forward); 0 0 0 = background

  size_t pixels() const { return static_cast<size_t>(width) * height; }
};

}  // namespace twin::render
