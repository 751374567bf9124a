// A scanning lidar simulated by depth rendering: a few pinhole depth views around the sensor
// cover its field of view, and each beam reads the view it falls in, resampled to its exact
// direction. Ranges and points come out in the lidar's beam pattern, checked against MuJoCo's
// mj_ray in the tests.
//
//   twin::render::LidarRenderer lidar(context, m, labels, twin::render::LidarFromSpec(spec));
//   twin::render::LidarScan scan = lidar.Scan(d);  // d after mj_forward
//
// Beam pattern (the same as ROS LaserScan along each channel):
//   - the sensor frame is the lidar's MJCF site: x forward, y left, z up;
//   - channel c (0 <= c < channels) has elevation -V/2 + c * V / (channels - 1): channel 0 is the
//     lowest, the top and bottom channels lie exactly on the edges of the vertical field of view
//     V (an odd number of channels has one on the horizon; one channel alone looks along it);
//   - sample j (0 <= j < horizontal_samples) has azimuth a_j = -F/2 + j * da, counter-clockwise
//     about +z from +x (so a_j increases towards +y). For a field of view F < 360 degrees both
//     ends are included, da = F / (samples - 1) (one sample looks along +x); for F = 360 the
//     last beam stops one step short of the first, da = 360 / samples, so no direction repeats
//     (a_0 = -180 degrees, i.e. straight back); a single sample looks along +x;
//   - beam (c, j) points along (cos e cos a, cos e sin a, sin e) in the sensor frame.
// Every per-beam array is channel-major: beam (c, j) is element c * horizontal_samples + j.
#pragma once

#include <mujoco/mujoco.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <twin/render/context.h>
#include <twin/render/renderer.h>
#include <twin/render/scene_labels.h>
#include <twin/scenes/site.h>

namespace twin::render {

/// A lidar's beam pattern and range limits (see the file comment for the convention).
struct LidarModel {
  std::string name;
  std::string site;  ///< MJCF site at the optical centre, x forward and z up
  int channels = 16;
  int horizontal_samples = 1024;
  double horizontal_fov_deg = 360, vertical_fov_deg = 30;
  double min_range = 0.1, max_range = 30;  ///< metres; a return outside them is no return

  int beams() const { return channels * horizontal_samples; }
  double ElevationRad(int channel) const;
  double AzimuthRad(int sample) const;
  /// Unit direction of beam (channel, sample) in the sensor frame.
  std::array<double, 3> Direction(int channel, int sample) const;
  /// Angle between neighbouring samples / channels, radians (0 when there is only one).
  double HorizontalStepRad() const;
  double VerticalStepRad() const;
};

/// The model of a layout's lidar.
LidarModel LidarFromSpec(const scenes::LidarSpec& spec);

/// Throws twin::base::Error naming the lidar when its pattern is impossible, e.g.
/// "lidar 'front': horizontal_fov must be in (0, 360] degrees (got 400)".
void ValidateLidar(const LidarModel& lidar);

/// One sweep of a lidar, all beams at one instant (no motion distortion).
struct LidarScan {
  std::string lidar;  ///< lidar name
  double time = 0;    ///< simulation time of the state scanned, s
  int channels = 0, horizontal_samples = 0;
  /// Per beam, channel-major: metres from the optical centre along the beam; 0 = no return
  /// (nothing hit, or the hit is outside [min_range, max_range]).
  std::vector<float> ranges;
  /// Per beam, 3 floats: the hit in the sensor frame (range * direction), metres; NaN NaN NaN
  /// for no return (an organized cloud, as PCL writes it with is_dense false).
  std::vector<float> points;
  /// Per beam: instance id of what the beam hit (the renderer's SceneLabels); 0 = no return.
  std::vector<uint16_t> instance;

  size_t beams() const { return ranges.size(); }
};

/// Depth views of one lidar: how many, and how fine.
struct LidarRenderOptions {
  /// Pixels per beam step along the finer of the two beam spacings, at the view centre (the
  /// pixels are square and only get finer towards a view's edges).
  double oversample = 2.0;
};

/// Renders a lidar: one Renderer with a few pinhole depth views whose union covers every beam.
///
/// Views: ceil(F / 90 deg) around the vertical axis, in ceil(V / 80 deg) rows of elevation;
/// each beam belongs to the view whose optical axis is nearest to it, and each view's image is
/// fitted to its beams with a margin of kLidarViewMargin pixels, so every beam has all the
/// neighbours its sampling needs. The views follow the lidar's site each frame.
///
/// Sampling one beam at its continuous pixel position in its view (depth, instance ids and
/// normals are rendered): when the 4 surrounding pixels show one instance, their inverse depths
/// are coplanar (to 1 mm) and each step between them continues the step beside it (no jump
/// between them), inverse depth is interpolated bilinearly: exact on a plane, where 1/z is
/// affine in screen space. Otherwise (a silhouette, a crease, a sliver one or two pixels wide)
/// the nearest pixel's surface is continued to the beam with the inverse-depth slopes of
/// neighbours on the same plane (same instance, same normal, where that normal puts them).
/// Along-axis depth then becomes range along the beam. Near a silhouette a beam can read the
/// surface on the other side of it: within about 0.7 of a view pixel (a third of a beam step at
/// the default oversampling).
///
/// Beams that geoms of the lidar's own body stop within min_range (or 1 cm) are no return: a
/// lidar whose site lies on its housing's face sees into the housing there (checked with
/// MuJoCo's ray functions against those geoms only, once; they are rigid in the sensor frame).
/// Other surfaces nearer than the renderer's near plane (1 cm) are not seen.
class LidarRenderer {
 public:
  /// Throws twin::base::Error when the lidar is impossible or its site is not in the model.
  LidarRenderer(Context& context, const mjModel* m, SceneLabels labels, LidarModel lidar,
                LidarRenderOptions options = {});
  ~LidarRenderer();
  LidarRenderer(const LidarRenderer&) = delete;
  LidarRenderer& operator=(const LidarRenderer&) = delete;

  const LidarModel& lidar() const;
  /// The depth views (name, intrinsics; their poses relative to the sensor are internal).
  int view_count() const;
  const RenderCamera& view(int index) const;

  /// Queues a scan of `d` (kinematics current) and returns it when done; Submit/Collect
  /// pipeline like the Renderer's (at most two in flight).
  LidarScan Scan(const mjData* d);
  void Submit(const mjData* d);
  LidarScan Collect();

  Renderer& renderer();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Pixels kept around the beams of each view.
inline constexpr int kLidarViewMargin = 3;

}  // namespace twin::render
