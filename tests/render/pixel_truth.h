// Every pixel of a rendered frame against MuJoCo's mj_ray through that pixel's centre: the
// independent truth of the depth and id tests.
//
// Depth: within `near_tolerance` metres up to `near_limit`, `far_tolerance` of the depth beyond,
// plus how much the depth changes over `slope_px` pixel there. The last term is what float
// arithmetic costs where a surface is steep in the image (seen at grazing incidence, or near a
// curved silhouette): the device computes the pixel's ray in float, which moves it by ~1e-5 pixel,
// and a steep depth moves with it (the slope is measured by mj_ray 0.01 pixel either side).
//
// A pixel whose centre lies on a silhouette may legitimately show either side: the renderer and
// mj_ray decide it in different arithmetic (float on the device, double in MuJoCo; the rasterizer
// also snaps vertices to 1/256 pixel). So where a pixel disagrees with the ray through its centre,
// the comparison casts 8 more rays `slack_px` away (along u, v and the diagonals): when one of them
// shows what the pixel shows (the same ids, and a depth between those of the rays and of the
// surface's edge between them, or the depth of a face those rays hit continued to the centre), the
// pixel is counted as a silhouette pixel, not as an error. Every other pixel must agree exactly in
// its ids and within the depth bound.
#pragma once

#include <mujoco/mujoco.h>

#include <array>
#include <map>
#include <string>
#include <vector>

#include <twin/render/frame.h>
#include <twin/render/scene_labels.h>

namespace twin::testing {

struct PixelTruthOptions {
  /// Depth error bound: absolute up to `near_limit` metres, relative beyond.
  double near_limit = 10;
  double near_tolerance = 3e-6;  ///< metres
  double far_tolerance = 1e-6;   ///< relative
  double slope_px = 1e-4;        ///< pixels: the depth change over this much is allowed too
  /// How far (pixels) from the centre a ray may be to explain a silhouette pixel.
  double slack_px = 1.0 / 16;
};

struct GeomDepthError {
  int pixels = 0;                        ///< compared in depth
  double worst_near = 0;                 ///< metres, up to near_limit, less the slope term
  double worst_far_relative = 0;         ///< error / depth beyond near_limit, less the slope term
  double nearest = 1e300, farthest = 0;  ///< depth range of its pixels, metres
  std::vector<float> errors;             ///< |rendered - mj_ray| of each pixel, metres
  void Add(const GeomDepthError& other);
  /// The q-quantile (0..1) of `errors`.
  double Quantile(double q) const;
};

struct PixelTruth {
  int pixels = 0;       ///< every pixel of the frame
  int surface = 0;      ///< where mj_ray through the centre hits a drawn geom
  int steep = 0;        ///< depth within the bound only with its slope term
  int silhouette = 0;   ///< explained by a ray slack_px away (see above)
  int wrong_ids = 0;    ///< instance or class differs, unexplained
  int wrong_depth = 0;  ///< ids agree, depth outside the bound, unexplained
  int wrong_empty = 0;  ///< depth and ids disagree on whether there is a surface at all
  /// Less the slope term (see above): metres up to near_limit, relative beyond.
  double worst_near = 0;
  double worst_far_relative = 0;
  std::map<int, GeomDepthError> by_geom;  ///< the geom mj_ray hits at the centre
  std::vector<std::string> failures;      ///< the first few, for the log
  bool ok() const { return wrong_ids == 0 && wrong_depth == 0 && wrong_empty == 0; }
};

/// Compares every pixel of `frame` (undistorted, with depth and ids) rendered from the camera at
/// `position` with `rotation` (columns x right, y down, z forward in world) with mj_ray.
PixelTruth ComparePixels(const mjModel* m, const mjData* d, const render::CameraFrame& frame,
                         const std::array<double, 3>& position,
                         const std::array<double, 9>& rotation, const render::SceneLabels& labels,
                         const PixelTruthOptions& options = {});

/// One line: pixels, surface, silhouette and wrong counts, worst errors.
std::string Summary(const PixelTruth& truth);

}  // namespace twin::testing
