// twin bench datagen: what writing a dataset costs on top of rendering it. In one run, each in a
// child process of its own (so peak memory is its own and Vulkan starts fresh):
//   render only      the scene's cameras, every modality, one fixed state (the baseline);
//   settle only      randomize + settle each frame, nothing rendered (the physics' share);
//   no writers       twin datagen's loop without writing: randomize, settle, cameras, lidars;
//   datagen W=1, 2   full twin datagen with 1 and 2 writer threads.
// Frames per second and the ratio to the baseline (goal: datagen >= 0.7x render only), MB/s
// written, time per stage and peak resident memory.
#include <twin/datagen/datagen.h>
#include <twin/render/context.h>
#include <twin/render/renderer.h>
#include <twin/render/scene_cameras.h>
#include <twin/scenes/randomize.h>
#include <twin/sim/domain_randomizer.h>
#include <twin/sim/site_world.h>

#include "bench.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <optional>

namespace twin::tools {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Plain data a child sends back through a pipe.
struct RowResult {
  int64_t frames = 0;
  double seconds = 0;
  double bytes = 0;
  double randomize_ms = 0, render_ms = 0, write_ms = 0, wait_ms = 0;
  char error[256] = {};
};

struct Row {
  RowResult result;
  double peak_mb = 0;
  bool ok = false;
};

Row InChild(const std::function<RowResult()>& work) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    RowResult result;
    try {
      result = work();
    } catch (const std::exception& e) {
      std::snprintf(result.error, sizeof result.error, "%s", e.what());
    }
    const ssize_t n = write(fds[1], &result, sizeof result);
    _exit(n == static_cast<ssize_t>(sizeof result) ? 0 : 1);
  }
  close(fds[1]);
  Row row;
  const ssize_t n = read(fds[0], &row.result, sizeof row.result);
  close(fds[0]);
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  row.peak_mb = usage.ru_maxrss / 1024.0;
  row.ok = n == static_cast<ssize_t>(sizeof row.result) && WIFEXITED(status) &&
           WEXITSTATUS(status) == 0 && row.result.error[0] == 0;
  return row;
}

RowResult RenderOnly(const BenchDatagenOptions& opt) {
  sim::SiteWorld site = sim::LoadSiteWorld(opt.scene, {});
  const mjModel* m = site.world.model();
  mj_forward(m, site.world.data());
  render::Context context(render::ContextOptions{opt.device, false});
  render::Renderer renderer(context, m, render::SceneLabelsOf(site.scene, m));
  for (const auto& camera : render::SceneCameras(site.scene, m)) renderer.AddCamera(camera);
  renderer.Render(site.world.data());  // warm-up
  RowResult result;
  const auto start = Clock::now();
  for (int k = 0; k < opt.frames; ++k) {
    const auto t = Clock::now();
    renderer.Render(site.world.data(), render::kAllModalities, k);
    result.render_ms += std::chrono::duration<double, std::milli>(Clock::now() - t).count();
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.frames = opt.frames;
  return result;
}

RowResult SettleOnly(const BenchDatagenOptions& opt) {
  sim::SiteWorld site = sim::LoadSiteWorld(opt.scene, {}, std::nullopt, /*autopilot=*/false);
  const sim::DomainRandomizer randomizer(site.scene.site, site.scene.site.randomize, site.world);
  RowResult result;
  const auto start = Clock::now();
  for (int k = 0; k < opt.frames; ++k)
    randomizer.Apply(site.world, site.world.seed(), static_cast<uint64_t>(k));
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.randomize_ms = result.seconds * 1000;
  result.frames = opt.frames;
  return result;
}

RowResult Datagen(const BenchDatagenOptions& opt, int workers, const std::string& out) {
  datagen::DatagenOptions d;
  d.scene = opt.scene;
  d.frames = opt.frames;
  d.out = out;
  d.workers = workers;
  d.device = opt.device;
  d.log = [](const std::string&) {};
  const datagen::DatagenStats stats = datagen::RunDatagen(d);
  RowResult result;
  result.frames = stats.frames_made;
  result.seconds = stats.seconds;
  result.bytes = static_cast<double>(stats.bytes_written);
  result.randomize_ms = stats.randomize_ms;
  result.render_ms = stats.render_ms;
  result.write_ms = stats.write_ms;
  result.wait_ms = stats.wait_ms;
  return result;
}

}  // namespace

int BenchDatagen(const BenchDatagenOptions& opt) {
  std::printf("twin bench datagen\n  scene       %s, %d frames per row (every camera and lidar)\n",
              opt.scene.c_str(), opt.frames);
  const fs::path scratch =
      fs::temp_directory_path() / ("twin-bench-datagen-" + std::to_string(getpid()));
  std::printf("  %-18s %9s %6s %8s %10s %9s %9s %9s %9s %8s\n", "", "frames/s", "ratio", "MB/s",
              "randomize", "render", "write", "wait", "peak MB", "");
  std::optional<double> baseline;
  auto print = [&](const char* name, const Row& row) {
    if (!row.ok) {
      std::printf("  %-18s failed: %s\n", name, row.result.error);
      return;
    }
    const RowResult& r = row.result;
    const double fps = r.frames / r.seconds,
                 n = static_cast<double>(std::max<int64_t>(r.frames, 1));
    if (!baseline) baseline = fps;
    std::printf("  %-18s %9.2f %5.2fx %8.1f %8.0fms %7.0fms %7.0fms %7.0fms %9.0f\n", name, fps,
                fps / *baseline, r.bytes / 1e6 / r.seconds, r.randomize_ms / n, r.render_ms / n,
                r.write_ms / n, r.wait_ms / n, row.peak_mb);
    std::fflush(stdout);
  };
  print("render only", InChild([&] { return RenderOnly(opt); }));
  print("settle only", InChild([&] { return SettleOnly(opt); }));
  print("no writers", InChild([&] { return Datagen(opt, 0, ""); }));
  Row best;
  for (int workers : {1, 2}) {
    const std::string out = (scratch / ("w" + std::to_string(workers))).string();
    const Row row = InChild([&] { return Datagen(opt, workers, out); });
    print(workers == 1 ? "datagen 1 writer" : "datagen 2 writers", row);
    if (row.ok && (!best.ok || row.result.frames / row.result.seconds >
                                   best.result.frames / best.result.seconds))
      best = row;
  }
  fs::remove_all(scratch);
  if (baseline && best.ok) {
    const double ratio = best.result.frames / best.result.seconds / *baseline;
    std::printf("  goal        datagen >= 0.7x render only: %.2fx, %s\n", ratio,
                ratio >= 0.7 ? "met" : "NOT met");
  }
  std::printf(
      "  columns     per frame: randomize = randomize + settle; render = cameras + lidars;\n"
      "              write = encode, label, hash, write (writer threads, overlapping render);\n"
      "              wait = main thread blocked on a busy writer; peak = max resident memory\n");
  return 0;
}

}  // namespace twin::tools
