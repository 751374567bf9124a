// The camera model shared by the renderer, the dataset writers and the bridge: pinhole intrinsics
// in the OpenCV/ROS convention plus Brown-Conrady distortion, and per-modality sensor noise.
//
// Conventions (the same as OpenCV and ROS camera_info):
//   - the camera frame has x right, y down, z forward (the optical axis);
//   - a point (X, Y, Z) projects to u = fx * x' + cx, v = fy * y' + cy where (x', y') is the
//     distorted image of the normalized point (X/Z, Y/Z);
//   - pixel (i, j) covers [i - 0.5, i + 0.5) x [j - 0.5, j + 0.5): integer coordinates are pixel
//     centres, the image spans [-0.5, width - 0.5).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace twin::render {

/// Pinhole intrinsics and Brown-Conrady distortion (OpenCV's k1 k2 p1 p2 k3 order).
struct CameraIntrinsics {
  int width = 640, height = 480;
  double fx = 0, fy = 0, cx = 0, cy = 0;
  double k1 = 0, k2 = 0, p1 = 0, p2 = 0, k3 = 0;
};

/// Sensor noise per modality; all zero means an ideal sensor.
struct CameraNoise {
  double rgb_sigma = 0;    ///< Gaussian, in 8-bit levels, per channel
  double depth_sigma = 0;  ///< depth noise sigma = depth_sigma * z^2 (metres, z in metres)
  double dropout = 0;      ///< fraction of pixels whose depth reads 0 (no return)
};

/// Intrinsics of a camera given by its vertical field of view (MJCF `fovy`), centred.
CameraIntrinsics IntrinsicsFromFovy(int width, int height, double fovy_degrees);

/// Throws twin::base::Error naming `camera` when the intrinsics are impossible: width/height < 1 or
/// above `max_dimension`, fx or fy <= 0 or not finite, principal point outside the image, a
/// distortion coefficient not finite. E.g. "camera 'overhead': fx must be > 0 (got -5)".
void ValidateIntrinsics(const CameraIntrinsics& k, std::string_view camera, int max_dimension);

bool HasDistortion(const CameraIntrinsics& k);

/// OpenCV's distortion model applied to a normalized point (x, y) = (X/Z, Y/Z).
std::array<double, 2> Distort(const CameraIntrinsics& k, double x, double y);

/// The inverse of Distort (Newton iterations); exact to ~1e-12 within the valid field of view.
/// Beyond it (past the fold of a strong lens, where no ray is seen) the result is a best effort.
std::array<double, 2> Undistort(const CameraIntrinsics& k, double xd, double yd);

/// Pixel coordinates (u, v) of a point in the camera frame (Z > 0), distortion included: what
/// cv2.projectPoints gives with K and D.
std::array<double, 2> ProjectPoint(const CameraIntrinsics& k, const std::array<double, 3>& p);

/// Where the renderer draws a distorted camera: an undistorted pinhole image at twice the focal
/// lengths, grown so that every output pixel's ray falls inside it, and for every output pixel
/// the (continuous) source coordinate to sample. Without distortion the canvas is the camera
/// itself and `map_x`/`map_y` are empty.
struct DistortionMap {
  CameraIntrinsics canvas;          ///< pinhole, no distortion: what to render
  int width = 0, height = 0;        ///< output (distorted) image size
  std::vector<float> map_x, map_y;  ///< per output pixel, row-major: source pixel coordinates
                                    ///< on the canvas; -1 where no ray is seen (past the fold)
};

/// Builds the canvas and the map. The canvas is at most `max_dimension` pixels on a side (a
/// strongly distorted wide lens is then sampled a little coarser at the rim, never cropped).
DistortionMap MakeDistortionMap(const CameraIntrinsics& k, int max_dimension);

/// Resamples a canvas image into the distorted output image. Bilinear for RGB (8-bit, 3
/// channels); nearest for everything that must not be blended (depth, ids, normals). Pixels whose
/// source falls outside the canvas, [-0.5, width - 0.5) x [-0.5, height - 0.5), get 0; within
/// half a pixel of its edge bilinear repeats the edge pixel. An empty map (no distortion) copies.
void RemapBilinearRgb8(const DistortionMap& map, const uint8_t* src, uint8_t* dst);
void RemapNearest(const DistortionMap& map, const void* src, void* dst, int bytes_per_pixel);

}  // namespace twin::render
