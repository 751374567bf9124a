// The sensor renderer: draws a MuJoCo state from any number of cameras in one multi-target pass
// (RGB, depth, ids, normals) and reads every modality back.
//
// Lifetime: geometry, materials and textures are uploaded once when the renderer is made from a
// mjModel; each frame uploads only the geom and light poses from mjData. Frames are pipelined:
// Submit() records and queues frame k+1 while the caller is still using frame k from Collect().
//
//   twin::render::Context context;
//   twin::render::Renderer renderer(context, model, twin::render::LabelsFromModel(model));
//   renderer.AddCamera(twin::render::CameraFromModel(model, 0, 640, 480));
//   std::vector<twin::render::CameraFrame> frames = renderer.Render(data);
#pragma once

#include <mujoco/mujoco.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <twin/render/camera_model.h>
#include <twin/render/camera_pose.h>
#include <twin/render/context.h>
#include <twin/render/frame.h>
#include <twin/render/scene_labels.h>

namespace twin::render {

/// Which images to produce; a smaller set renders and reads back less.
enum Modality : uint32_t {
  kRgb = 1u << 0,
  kDepth = 1u << 1,
  kLabels = 1u << 2,  ///< instance and semantic ids
  kNormal = 1u << 3,
  kAllModalities = kRgb | kDepth | kLabels | kNormal,
};

/// A camera to render from. Its pose follows MJCF camera `mj_camera` in mjData, or when that is
/// -1, the pose set with Renderer::SetCameraPose.
struct RenderCamera {
  std::string name;
  int mj_camera = -1;
  CameraIntrinsics intrinsics;
  CameraNoise noise;
  /// Used when mj_camera is -1: position, and a rotation (row-major) whose columns are the
  /// camera's x (right), y (down) and z (forward) axes in world coordinates.
  std::array<double, 3> position{0, 0, 0};
  std::array<double, 9> rotation{1, 0, 0, 0, 1, 0, 0, 0, 1};
};

/// Where `camera` is in `d`: its MJCF camera's pose (OpenCvCameraPose), or when it has none
/// (mj_camera -1) the pose it was given.
CameraPose PoseOf(const RenderCamera& camera, const mjData* d);

/// An MJCF camera (or, with `camera` = -1, a free camera looking at the model's centre like
/// MuJoCo's default view) with intrinsics from its fovy.
RenderCamera CameraFromModel(const mjModel* m, int camera, int width, int height);

/// Time per stage of the last collected frame, milliseconds.
struct StageTimes {
  double upload = 0;    ///< poses to the device
  double draw = 0;      ///< submit to fence (draw and copy on the device)
  double readback = 0;  ///< staging buffers to CameraFrame
  double remap = 0;     ///< distortion and noise
};

struct RendererOptions {
  /// A shadow map for the brightest active light with castshadow, chosen anew every frame.
  bool shadows = true;
  uint64_t seed = 0;  ///< noise seed
};

class Renderer {
 public:
  Renderer(Context& context, const mjModel* m, SceneLabels labels, RendererOptions options = {});
  ~Renderer();
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  /// Adds a camera; throws twin::base::Error naming it when its intrinsics are impossible or larger
  /// than the device allows. Returns its index.
  int AddCamera(const RenderCamera& camera);
  /// New intrinsics for camera `index` (e.g. jittered per dataset frame): same width and height
  /// as it was added with (else twin::base::Error), validated like AddCamera. They apply from the
  /// next Submit; frames already in flight are collected with the intrinsics they were submitted
  /// with. The distortion map is rebuilt; device images are reallocated only when the canvas size
  /// changes, which needs no frame in flight.
  void SetCameraIntrinsics(int index, const CameraIntrinsics& k);
  int camera_count() const;
  const RenderCamera& camera(int index) const;

  /// World pose of a camera without an MJCF camera: position and a rotation whose columns are
  /// the camera's x (right), y (down) and z (forward, the optical axis) in world coordinates.
  void SetCameraPose(int index, const std::array<double, 3>& position,
                     const std::array<double, 9>& rotation);

  /// Queues a frame of every camera from `d` (its kinematics must be current: mj_forward or
  /// mj_kinematics after the last change). At most two frames are in flight; a third Submit
  /// is a programming error: Collect() first. `frame_index` seeds the noise.
  void Submit(const mjData* d, uint32_t modalities = kAllModalities, uint64_t frame_index = 0);
  /// Waits for the oldest submitted frame and returns one CameraFrame per camera.
  std::vector<CameraFrame> Collect();
  /// Submit + Collect.
  std::vector<CameraFrame> Render(const mjData* d, uint32_t modalities = kAllModalities,
                                  uint64_t frame_index = 0);

  int in_flight() const;
  const StageTimes& stage_times() const;
  /// Texels per side of the shadow map this renderer draws: the model's
  /// <visual><quality shadowsize> (MuJoCo's default 4096) clamped to the device's image limit;
  /// 0 when there is none (RendererOptions::shadows off, no light with castshadow, or
  /// shadowsize 0).
  uint32_t shadow_map_size() const;
  const SceneLabels& labels() const;
  Context& context();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The light that casts the shadow map in the model's current state (the randomizer switches
/// lights and changes their colours per frame): the brightest active light with castshadow among
/// those the shader shades, by the luminance of its diffuse colour (the first of equals), or -1.
int ShadowLight(const mjModel* m);

}  // namespace twin::render
