// twin bench render: the renderer against MuJoCo's own (mujoco-record, OpenGL on llvmpipe under
// Xvfb) doing the same job in the same run, then frames per second of the warehouse cameras per
// set of modalities and resolution, with the time of each stage.
//
// The same job: load humanoid.xml, simulate DURATION seconds, render the default free camera at
// FPS frames per simulated second at the model's offscreen size, and write every RGB frame raw to
// a file. Both are timed from start to end (load and device set-up included).
#include <twin/render/context.h>
#include <twin/render/renderer.h>
#include <twin/render/scene_cameras.h>
#include <twin/scenes/error.h>
#include <twin/sim/site_world.h>
#include <twin/sim/world.h>

#include "bench.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace twin::tools {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// An X server for mujoco-record, on a free display, stopped when this goes out of scope.
class Xvfb {
 public:
  Xvfb() {
    for (int n = 90; n < 140; ++n) {
      if (fs::exists("/tmp/.X" + std::to_string(n) + "-lock")) continue;
      display_ = ":" + std::to_string(n);
      pid_ = fork();
      if (pid_ == 0) {
        std::freopen("/dev/null", "w", stderr);
        execl("/usr/bin/Xvfb", "Xvfb", display_.c_str(), "-nolisten", "tcp", "-screen", "0",
              "1280x1024x24", nullptr);
        _exit(127);
      }
      // Ready when its socket appears.
      for (int i = 0; i < 100; ++i) {
        if (fs::exists("/tmp/.X11-unix/X" + std::to_string(n))) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      Stop();
    }
    display_.clear();
  }
  ~Xvfb() { Stop(); }
  const std::string& display() const { return display_; }

 private:
  void Stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  std::string display_;
  pid_t pid_ = -1;
};

struct RecordResult {
  double seconds = 0;
  int64_t frames = 0;
};

// mujoco-record MODEL DURATION FPS OUT.rgb under Xvfb; nullopt when it cannot run here.
std::optional<RecordResult> MujocoRecord(const std::string& model, double duration, double fps,
                                         int width, int height, std::string* why) {
  if (!fs::exists("/usr/bin/mujoco-record") || !fs::exists("/usr/bin/Xvfb")) {
    *why = "mujoco-record or Xvfb not installed (tools/setup installs both)";
    return std::nullopt;
  }
  Xvfb x;
  if (x.display().empty()) {
    *why = "Xvfb did not start";
    return std::nullopt;
  }
  const std::string out =
      (fs::temp_directory_path() / ("twin_bench_record_" + std::to_string(getpid()) + ".rgb"))
          .string();
  const std::string command = "DISPLAY=" + x.display() + " /usr/bin/mujoco-record '" + model +
                              "' " + std::to_string(duration) + " " + std::to_string(fps) + " '" +
                              out + "' >/dev/null 2>&1";
  const auto start = Clock::now();
  const int status = std::system(command.c_str());
  RecordResult r;
  r.seconds = Since(start);
  std::error_code ec;
  const auto bytes = fs::file_size(out, ec);
  fs::remove(out, ec);
  // mujoco-record exits 1 even when it worked: judge it by the frames it wrote.
  if (bytes == 0) {
    *why = "mujoco-record wrote nothing (exit status " + std::to_string(status) + ")";
    return std::nullopt;
  }
  r.frames = static_cast<int64_t>(bytes / (static_cast<uintmax_t>(width) * height * 3));
  return r;
}

// The same job with twin: simulate, render the free camera at `fps`, write raw RGB.
RecordResult TwinRecord(const std::string& model, double duration, double fps, int width,
                        int height, const std::string& device) {
  const auto start = Clock::now();
  sim::World world = sim::World::FromFile(model);
  render::Context context(render::ContextOptions{device, false});
  render::RendererOptions options;
  options.shadows = true;
  render::Renderer renderer(context, world.model(), render::LabelsFromModel(world.model()),
                            options);
  renderer.AddCamera(render::CameraFromModel(world.model(), -1, width, height));
  const std::string out =
      (fs::temp_directory_path() / ("twin_bench_twin_" + std::to_string(getpid()) + ".rgb"))
          .string();
  std::FILE* file = std::fopen(out.c_str(), "wb");
  if (!file) throw Error("cannot write " + out);
  RecordResult r;
  auto write = [&](const std::vector<render::CameraFrame>& frames) {
    std::fwrite(frames[0].rgb.data(), 1, frames[0].rgb.size(), file);
    ++r.frames;
  };
  // Frame k+1 renders while frame k is written and the physics runs on.
  for (int64_t k = 0; world.time() < duration; ++k) {
    while (world.time() < k / fps) world.Step(1);
    if (renderer.in_flight() == 2) write(renderer.Collect());
    renderer.Submit(world.data(), render::kRgb, k);
  }
  while (renderer.in_flight() > 0) write(renderer.Collect());
  std::fclose(file);
  fs::remove(out);
  r.seconds = Since(start);
  return r;
}

const char* ModalityName(uint32_t m) {
  switch (m) {
    case render::kRgb: return "rgb";
    case render::kRgb | render::kDepth: return "rgb+depth";
    case render::kRgb | render::kDepth | render::kLabels: return "rgb+depth+ids";
    case render::kDepth | render::kLabels | render::kNormal:
      return "depth+ids+normals (no shading)";
    default: return "all (rgb, depth, ids, normals)";
  }
}

}  // namespace

int BenchRender(const BenchRenderOptions& opt) {
  std::printf("twin bench render\n");
  render::Context probe(render::ContextOptions{opt.device, false});
  std::printf("  device      %s\n", probe.Describe().c_str());

  // 1. The same job as mujoco-record.
  {
    sim::World world = sim::World::FromFile(opt.model);
    const int width = world.model()->vis.global.offwidth;
    const int height = world.model()->vis.global.offheight;
    std::printf(
        "  job         %s: %.1f s simulated, %.0f frames/s of it, %dx%d RGB to a raw file\n",
        opt.model.c_str(), opt.duration, opt.fps, width, height);
    std::fflush(stdout);
    std::string why;
    const auto record = MujocoRecord(opt.model, opt.duration, opt.fps, width, height, &why);
    const RecordResult ours =
        TwinRecord(opt.model, opt.duration, opt.fps, width, height, opt.device);
    const double our_fps = ours.frames / ours.seconds;
    if (record) {
      const double their_fps = record->frames / record->seconds;
      std::printf("  %-26s %5lld frames in %6.2f s  %7.1f frames/s  1.00x (baseline)\n",
                  "mujoco-record (OpenGL)", static_cast<long long>(record->frames), record->seconds,
                  their_fps);
      std::printf("  %-26s %5lld frames in %6.2f s  %7.1f frames/s  %.2fx\n", "twin (Vulkan)",
                  static_cast<long long>(ours.frames), ours.seconds, our_fps, our_fps / their_fps);
      std::printf("  goal        >= 3x mujoco-record: %s\n",
                  our_fps >= 3 * their_fps ? "met" : "NOT met");
    } else {
      std::printf("  %-26s not run: %s\n", "mujoco-record", why.c_str());
      std::printf("  %-26s %5lld frames in %6.2f s  %7.1f frames/s\n", "twin (Vulkan)",
                  static_cast<long long>(ours.frames), ours.seconds, our_fps);
    }
    std::fflush(stdout);
  }

  // 2. The warehouse cameras per modality set and resolution.
  sim::SiteWorld site = sim::LoadSiteWorld(opt.scene, {});
  const mjModel* m = site.world.model();
  mj_forward(m, site.world.data());
  const auto cameras = render::SceneCameras(site.scene, m);
  std::printf("  scene       %s: %zu cameras, %d geoms; one frame = every camera\n",
              opt.scene.c_str(), cameras.size(), m->ngeom);
  std::printf("  %-11s %-32s %9s %9s %9s %9s %9s\n", "resolution", "modalities", "frames/s",
              "upload", "draw", "readback", "remap");
  for (const auto& [width, height] : {std::pair{640, 480}, std::pair{1280, 720}}) {
    render::Renderer renderer(probe, m, render::SceneLabelsOf(site.scene, m));
    for (render::RenderCamera camera : cameras) {
      // Same field of view at the new size.
      auto& k = camera.intrinsics;
      const double sx = static_cast<double>(width) / k.width,
                   sy = static_cast<double>(height) / k.height;
      k.fx *= sx, k.fy *= sy, k.cx = (k.cx + 0.5) * sx - 0.5, k.cy = (k.cy + 0.5) * sy - 0.5;
      k.width = width, k.height = height;
      renderer.AddCamera(camera);
    }
    for (uint32_t modalities : {uint32_t{render::kRgb}, uint32_t{render::kRgb | render::kDepth},
                                uint32_t{render::kRgb | render::kDepth | render::kLabels},
                                uint32_t{render::kAllModalities},
                                uint32_t{render::kDepth | render::kLabels | render::kNormal}}) {
      renderer.Render(site.world.data(), modalities);  // warm-up: pipelines, first-use costs
      render::StageTimes total;
      const auto start = Clock::now();
      for (int k = 0; k < opt.frames; ++k) {
        renderer.Submit(site.world.data(), modalities, k);
        renderer.Collect();
        const auto& t = renderer.stage_times();
        total.upload += t.upload, total.draw += t.draw;
        total.readback += t.readback, total.remap += t.remap;
      }
      const double seconds = Since(start);
      char resolution[32];
      std::snprintf(resolution, sizeof resolution, "%dx%d", width, height);
      std::printf("  %-11s %-32s %9.1f %7.2fms %7.2fms %7.2fms %7.2fms\n", resolution,
                  ModalityName(modalities), opt.frames / seconds, total.upload / opt.frames,
                  total.draw / opt.frames, total.readback / opt.frames, total.remap / opt.frames);
      std::fflush(stdout);
    }
  }
  std::printf(
      "  stages      upload: poses to the device; draw: submit to fence (shadow map, all\n"
      "              cameras, copies); readback: staging to frames; remap: distortion, noise\n");
  return 0;
}

}  // namespace twin::tools
