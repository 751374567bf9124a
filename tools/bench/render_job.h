// The job of MuJoCo's `mujoco-record` sample (sample/record.cc), done by twin's renderer: load a
// model, simulate DURATION seconds, render the free camera at the model's offscreen size
// whenever mujoco-record would, read back RGB and depth, put the depth inset over the image as
// mujoco-record does and write every frame raw to a file. `twin bench render` runs it in a child
// process of its own (`twin bench render-job`), beside mujoco-record, so both start cold.
#pragma once

#include <mujoco/mujoco.h>

#include <cstdint>
#include <string>
#include <vector>

#include <twin/render/frame.h>

namespace twin::tools {

/// mujoco-record's frame rule: a frame when the simulated time since the last frame exceeds
/// 1/fps, or while the last frame's time is still 0. The second clause makes the frame at t=0
/// and the one a step later (its frame time is 0 again), so 5 s at 60 fps with a 5 ms step
/// gives 251 frames (t = 0, 0.005, 0.025, 0.045, ...: every 4th step after the first two).
class RecordFrameRule {
 public:
  explicit RecordFrameRule(double fps) : period_(1 / fps) {}
  bool Due(double time) const { return (time - frame_time_) > period_ || frame_time_ == 0; }
  void Taken(double time) { frame_time_ = time; }

 private:
  double period_;
  double frame_time_ = 0;
};

/// Frames the rule takes while the time goes 0, t, 2t... (summed step by step as mj_step does)
/// below `duration`.
int64_t RecordFrameCount(double timestep, double duration, double fps);

/// mujoco-record's depth inset: every 3rd depth value of every 3rd row, as a grey level
/// (1 - OpenGL depth) * 255 with MuJoCo's near and far planes, written over the lower-left
/// ninth of `rgb` (rows top first; mujoco-record's are bottom first, the corner is the same).
void InsetDepth(const mjModel* m, const render::CameraFrame& frame, std::vector<uint8_t>& rgb);

struct RenderJobOptions {
  std::string model;
  double duration = 5;
  double fps = 60;
  std::string out;  ///< raw RGB frames, one after the other
  std::string device;
};

/// Runs the job and prints one line of what it drew, `key=value` separated by spaces: frames,
/// width, height, samples, shadow (map size), shadow_lights, reflection, skybox, depth, device.
/// Returns the exit code.
int RenderJob(const RenderJobOptions& options);

}  // namespace twin::tools
