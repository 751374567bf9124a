// twin bench datagen: what writing a dataset costs on top of rendering it. In one run, each in a
// child process of its own (so peak memory is its own and Vulkan starts fresh):
//   render only      the scene's cameras (every modality) and lidars, one fixed state, two frames
//                    in flight as datagen has them (the baseline);
//   settle only      randomize + settle each frame, nothing rendered (the physics' share);
//   no writers       twin datagen's loop without writing: randomize, settle, cameras, lidars;
//   datagen W        full twin datagen with 1 and 2 writer threads (and twin datagen's default
//                    when that is another number), timed through its labels and manifest;
//   no fsync         datagen at its default without syncing files to disk (what durability costs).
// Frames per second and the ratio to the baseline (goal: twin datagen's default >= 0.7x render
// only), MB/s written over the same time, time per stage and peak resident memory. A shared
// 2-core machine varies by 10-20% from one run to the next, so the rows run in interleaved rounds
// (render, settle, ..., render, settle, ...) and each reports its median round, with the spread
// of its rounds. The bench fails (exit 1) when any row fails.
#include <twin/datagen/datagen.h>
#include <twin/render/context.h>
#include <twin/render/lidar.h>
#include <twin/render/renderer.h>
#include <twin/render/scene_cameras.h>
#include <twin/scenes/randomize.h>
#include <twin/sim/domain_randomizer.h>
#include <twin/sim/site_world.h>

#include "bench.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

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
  double cpu_seconds = 0;  // every thread, during the frames
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
  const render::SceneLabels labels = render::SceneLabelsOf(site.scene, m);
  render::Renderer renderer(context, m, labels);
  for (const auto& camera : render::SceneCameras(site.scene, m)) renderer.AddCamera(camera);
  std::vector<std::unique_ptr<render::LidarRenderer>> lidars;
  for (const scenes::LidarSpec& lidar : site.scene.site.lidars)
    lidars.push_back(
        std::make_unique<render::LidarRenderer>(context, m, labels, render::LidarFromSpec(lidar)));
  renderer.Render(site.world.data());  // warm-up
  for (auto& lidar : lidars) {
    lidar->Submit(site.world.data());
    lidar->Collect();
  }
  RowResult result;
  const double cpu_start = datagen::ProcessCpuSeconds();
  const auto start = Clock::now();
  // As datagen does: frame k+1 is submitted before frame k is collected.
  auto submit = [&](int k) {
    renderer.Submit(site.world.data(), render::kAllModalities, static_cast<uint64_t>(k));
    for (auto& lidar : lidars) lidar->Submit(site.world.data());
  };
  submit(0);
  for (int k = 0; k < opt.frames; ++k) {
    if (k + 1 < opt.frames) submit(k + 1);
    renderer.Collect();
    for (auto& lidar : lidars) lidar->Collect();
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.render_ms = result.seconds * 1000;
  result.cpu_seconds = datagen::ProcessCpuSeconds() - cpu_start;
  result.frames = opt.frames;
  return result;
}

RowResult SettleOnly(const BenchDatagenOptions& opt) {
  sim::SiteWorld site = sim::LoadSiteWorld(opt.scene, {}, std::nullopt, /*autopilot=*/false);
  const sim::DomainRandomizer randomizer(site.scene.site, site.scene.site.randomize, site.world);
  RowResult result;
  const double cpu_start = datagen::ProcessCpuSeconds();
  const auto start = Clock::now();
  for (int k = 0; k < opt.frames; ++k)
    randomizer.Apply(site.world, site.world.seed(), static_cast<uint64_t>(k));
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.cpu_seconds = datagen::ProcessCpuSeconds() - cpu_start;
  result.randomize_ms = result.seconds * 1000;
  result.frames = opt.frames;
  return result;
}

RowResult Datagen(const BenchDatagenOptions& opt, int workers, const std::string& out,
                  bool fsync = true) {
  datagen::DatagenOptions d;
  d.scene = opt.scene;
  d.frames = opt.frames;
  d.out = out;
  d.workers = workers;
  d.fsync = fsync;
  d.device = opt.device;
  d.log = [](const std::string&) {};
  const datagen::DatagenStats stats = datagen::RunDatagen(d);
  RowResult result;
  result.frames = stats.frames_made;
  // A dataset is done once its labels and manifest are written: time (and MB/s) through those.
  result.seconds = stats.seconds + stats.finalize_ms / 1000;
  result.cpu_seconds = stats.cpu_seconds;
  result.bytes = static_cast<double>(stats.bytes_written);
  result.randomize_ms = stats.randomize_ms;
  result.render_ms = stats.render_ms;
  result.write_ms = stats.write_ms;
  result.wait_ms = stats.wait_ms;
  return result;
}

}  // namespace

int BenchDatagen(const BenchDatagenOptions& opt) {
  std::printf(
      "twin bench datagen\n  scene       %s, %d frames per row (every camera and lidar), %d "
      "rounds\n",
      opt.scene.c_str(), opt.frames, opt.repeats);
  const fs::path scratch =
      fs::temp_directory_path() / ("twin-bench-datagen-" + std::to_string(getpid()));
  struct RowSpec {
    std::string name;
    std::function<RowResult()> work;
  };
  const int default_writers = datagen::DefaultWriterThreads();
  auto writers_row = [&](int writers) {
    return "datagen " + std::to_string(writers) + (writers == 1 ? " writer" : " writers");
  };
  std::vector<RowSpec> specs = {
      {"render only", [&] { return RenderOnly(opt); }},
      {"settle only", [&] { return SettleOnly(opt); }},
      {"no writers", [&] { return Datagen(opt, 0, ""); }},
  };
  std::vector<int> writer_counts = {1, 2};
  if (default_writers > 2) writer_counts.push_back(default_writers);
  for (int writers : writer_counts)
    specs.push_back({writers_row(writers),
                     [&, writers] { return Datagen(opt, writers, (scratch / "out").string()); }});
  const std::string default_row = writers_row(default_writers);
  const std::string no_fsync_row = "datagen, no fsync";
  specs.push_back({no_fsync_row, [&] {
                     return Datagen(opt, default_writers, (scratch / "out").string(), false);
                   }});
  std::printf(
      "  default     twin datagen uses %d writer thread%s here: the goal's row is '%s'; "
      "'%s' is that without fsync\n",
      default_writers, default_writers == 1 ? "" : "s", default_row.c_str(), no_fsync_row.c_str());
  std::fflush(stdout);

  std::vector<std::vector<Row>> rounds(specs.size());
  for (int round = 0; round < opt.repeats; ++round) {
    if (opt.repeats > 1 && isatty(STDERR_FILENO))
      std::fprintf(stderr, "\r  round %d of %d...", round + 1, opt.repeats);
    for (size_t r = 0; r < specs.size(); ++r) {
      rounds[r].push_back(InChild(specs[r].work));
      fs::remove_all(scratch);  // each datagen row writes a fresh dataset
    }
  }
  if (opt.repeats > 1 && isatty(STDERR_FILENO)) std::fprintf(stderr, "\r%*s\r", 30, "");

  std::printf("  %-18s %9s %6s %8s %10s %9s %9s %9s %9s %9s  %s\n", "", "frames/s", "ratio", "MB/s",
              "randomize", "render", "write", "wait", "cpu", "peak MB", "rounds (frames/s)");
  auto fps = [](const Row& row) { return row.result.frames / row.result.seconds; };
  std::optional<double> baseline;  // render only's frames/s
  std::map<std::string, double> row_fps;
  bool failed_any = false;
  for (size_t r = 0; r < specs.size(); ++r) {
    std::vector<Row> ok;
    for (const Row& row : rounds[r])
      if (row.ok) ok.push_back(row);
    if (ok.size() < rounds[r].size()) {
      const Row& failed =
          *std::find_if(rounds[r].begin(), rounds[r].end(), [](const Row& row) { return !row.ok; });
      std::printf("  %-18s failed: %s\n", specs[r].name.c_str(),
                  failed.result.error[0] ? failed.result.error : "its process died");
      failed_any = true;
      if (r == 0) break;  // no baseline, no ratios
      continue;
    }
    std::sort(ok.begin(), ok.end(), [&](const Row& a, const Row& b) { return fps(a) < fps(b); });
    const Row& median = ok[ok.size() / 2];
    const RowResult& m = median.result;
    const double n = static_cast<double>(std::max<int64_t>(m.frames, 1));
    if (r == 0) baseline = fps(median);
    row_fps[specs[r].name] = fps(median);
    std::string spread;
    for (const Row& row : rounds[r]) {
      char one[16];
      std::snprintf(one, sizeof one, "%s%.2f", spread.empty() ? "" : " ", fps(row));
      spread += one;
    }
    std::printf("  %-18s %9.2f %5.2fx %8.1f %8.0fms %7.0fms %7.0fms %7.0fms %7.0fms %9.0f  %s\n",
                specs[r].name.c_str(), fps(median), fps(median) / *baseline,
                m.bytes / 1e6 / m.seconds, m.randomize_ms / n, m.render_ms / n, m.write_ms / n,
                m.wait_ms / n, 1000 * m.cpu_seconds / n, median.peak_mb, spread.c_str());
  }
  if (!baseline) {
    std::printf("  goal        not measured: the baseline (render only) failed\n");
    return 1;
  }
  if (row_fps.count(default_row)) {
    const double ratio = row_fps[default_row] / *baseline;
    std::printf("  goal        %s (twin datagen's default) >= 0.7x render only: %.2fx, %s\n",
                default_row.c_str(), ratio, ratio >= 0.7 ? "met" : "NOT met");
  }
  if (row_fps.count(default_row) && row_fps.count(no_fsync_row)) {
    const double with = 1 / row_fps[default_row], without = 1 / row_fps[no_fsync_row];
    std::printf("  fsync       %s takes %.2fx the time of '%s' (%+.0f ms a frame)\n",
                default_row.c_str(), with / without, no_fsync_row.c_str(), 1000 * (with - without));
  }
  std::printf(
      "  columns     per frame: randomize = randomize + settle; render = cameras + lidars;\n"
      "              write = encode, label, hash, write (writer threads, overlapping render);\n"
      "              wait = main thread blocked on a busy writer; cpu = CPU time of every thread\n"
      "              during the frames (a machine shared with others steals wall time, not CPU\n"
      "              time); frames/s and MB/s of datagen rows: through the labels and manifest;\n"
      "              peak = max resident memory;\n"
      "              each row is its median round; rounds lists every round's frames/s\n");
  return failed_any ? 1 : 0;
}

}  // namespace twin::tools
