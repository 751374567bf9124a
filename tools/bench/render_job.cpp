#include "render_job.h"

#include <twin/base/error.h>
#include <twin/render/context.h>
#include <twin/render/renderer.h>
#include <twin/render/scene_labels.h>
#include <twin/sim/world.h>

#include "equal_job.h"

#include <cstdio>
#include <memory>

namespace twin::tools {

int64_t RecordFrameCount(double timestep, double duration, double fps) {
  RecordFrameRule rule(fps);
  int64_t frames = 0;
  for (double time = 0; time < duration; time += timestep) {
    if (!rule.Due(time)) continue;
    ++frames;
    rule.Taken(time);
  }
  return frames;
}

void InsetDepth(const mjModel* m, const render::CameraFrame& frame, std::vector<uint8_t>& rgb) {
  constexpr int kStride = 3;  // record.cc's NS
  const int w = frame.width, h = frame.height;
  // MuJoCo's projection: near and far planes at vis.map.znear/zfar times the model's extent.
  const double znear = m->vis.map.znear * m->stat.extent, zfar = m->vis.map.zfar * m->stat.extent;
  const double inv_near = 1 / znear, inv_range = 1 / (1 / znear - 1 / zfar);
  for (int r = 0; r < h; r += kStride) {
    // record.cc counts rows from the bottom; these are stored top first.
    const float* depth_row = frame.depth.data() + static_cast<size_t>(h - 1 - r) * w;
    uint8_t* inset_row = rgb.data() + static_cast<size_t>(h - 1 - r / kStride) * w * 3;
    for (int c = 0; c < w; c += kStride) {
      const double z = depth_row[c];
      const double gl_depth = z > 0 ? (inv_near - 1 / z) * inv_range : 1;  // 1: nothing hit
      uint8_t* pixel = inset_row + 3 * (c / kStride);
      pixel[0] = pixel[1] = pixel[2] = static_cast<uint8_t>((1.0f - gl_depth) * 255.0f);
    }
  }
}

int RenderJob(const RenderJobOptions& opt) {
  sim::WorldOptions world_options;
  world_options.log = [](const std::string&) {};  // divergence is reported below
  sim::World world = sim::World::FromFile(opt.model, world_options);
  const mjModel* m = world.model();
  const int width = m->vis.global.offwidth, height = m->vis.global.offheight;
  render::Context context(render::ContextOptions{opt.device, false});
  render::Renderer renderer(context, m, render::LabelsFromModel(m));
  renderer.AddCamera(render::CameraFromModel(m, -1, width, height));

  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(opt.out.c_str(), "wb"),
                                                       std::fclose);
  if (!file) throw base::Error("cannot write " + opt.out);
  int64_t frames = 0;
  auto write = [&](std::vector<render::CameraFrame> collected) {
    render::CameraFrame& frame = collected[0];
    InsetDepth(m, frame, frame.rgb);
    if (std::fwrite(frame.rgb.data(), 1, frame.rgb.size(), file.get()) != frame.rgb.size())
      throw base::Error("cannot write " + opt.out + " (disk full?)");
    ++frames;
  };
  // Frame k+1 renders while frame k is read back and written and the physics runs on.
  RecordFrameRule rule(opt.fps);
  for (int64_t submitted = 0; world.time() < opt.duration;) {
    if (rule.Due(world.time())) {
      if (renderer.in_flight() == 2) write(renderer.Collect());
      renderer.Submit(world.data(), render::kRgb | render::kDepth, submitted++);
      rule.Taken(world.time());
    }
    if (world.Step(1) != 1)
      throw base::Error(opt.model +
                        ": the simulation diverged at t=" + std::to_string(world.time()) +
                        " s; a diverging model cannot be rendered (see twin check)");
  }
  while (renderer.in_flight() > 0) write(renderer.Collect());

  // What the renderer drew: the shadow map it made (the model's size, clamped to the device).
  Drawing drew = TwinDrawing(m);
  drew.shadow_size = static_cast<int>(renderer.shadow_map_size());
  std::printf(
      "frames=%lld width=%d height=%d samples=%d shadow=%d shadow_lights=%d reflection=%g "
      "skybox=%d depth=%d device=%s\n",
      static_cast<long long>(frames), width, height, drew.samples, drew.shadow_size,
      drew.shadow_lights, drew.reflectance, drew.skybox ? 1 : 0, drew.depth ? 1 : 0,
      context.Describe().c_str());
  return 0;
}

}  // namespace twin::tools
