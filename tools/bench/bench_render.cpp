// twin bench render: the renderer against MuJoCo's own (mujoco-record, OpenGL on llvmpipe under
// Xvfb) doing the same job in the same run, then frames per second of the warehouse cameras per
// set of modalities and resolution, with the time of each stage.
//
// The job is mujoco-record's (render_job.h): simulate DURATION seconds of a model, render its free
// camera at the model's offscreen size by mujoco-record's frame rule, read back RGB and depth,
// inset the depth, write every frame raw. Each run is a fresh process (twin's is `twin bench
// render-job`), timed from start to exit, so both load their driver cold. Two rows: the equal job,
// on a variant of the model that makes MuJoCo draw what twin draws (equal_job.h), and each at its
// own defaults on the model as it is.
#include <twin/base/error.h>
#include <twin/render/context.h>
#include <twin/render/renderer.h>
#include <twin/render/scene_cameras.h>
#include <twin/sim/site_world.h>
#include <twin/sim/world.h>

#include "bench.h"
#include "child_process.h"
#include "equal_job.h"
#include "render_job.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace twin::tools {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kMujocoRecord = "/usr/bin/mujoco-record";
constexpr const char* kXvfb = "/usr/bin/Xvfb";

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
      pid_ = StartChild({{kXvfb, display_, "-nolisten", "tcp", "-screen", "0", "1280x1024x24"},
                         {},
                         "/dev/null",
                         "/dev/null"});
      // Ready when its socket appears.
      for (int i = 0; i < 100; ++i) {
        if (fs::exists("/tmp/.X11-unix/X" + std::to_string(n))) return;
        if (waitpid(pid_, nullptr, WNOHANG) == pid_) break;  // lost the display to another
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      Stop();
    }
    display_.clear();
  }
  ~Xvfb() { Stop(); }
  Xvfb(const Xvfb&) = delete;
  Xvfb& operator=(const Xvfb&) = delete;
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

// A number as text that reads back as the same double (both tools get the same arguments).
std::string Exact(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

std::string Tail(const std::string& text, size_t n = 600) {
  return text.size() <= n ? text : "..." + text.substr(text.size() - n);
}

// One job both tools run: the model file and the frames every run must write.
struct Job {
  std::string model;
  int64_t frames = 0;
  int width = 0, height = 0;
  double duration = 0, fps = 0;
  uintmax_t bytes() const { return static_cast<uintmax_t>(frames) * width * height * 3; }
};

// The frames a run wrote, judged by the size of its raw file; throws when they are not the job's.
void CheckFrames(const char* tool, const Job& job, const std::string& out, const ChildResult& run,
                 const std::string& log) {
  std::error_code ec;
  const uintmax_t bytes = fs::file_size(out, ec);
  fs::remove(out, ec);
  if (bytes == job.bytes()) return;
  const uintmax_t frame = static_cast<uintmax_t>(job.width) * job.height * 3;
  throw base::Error(std::string(tool) + " on " + job.model + " wrote " + std::to_string(bytes) +
                    " bytes (" + std::to_string(bytes / frame) + " frames of " +
                    std::to_string(job.width) + "x" + std::to_string(job.height) + "), not the " +
                    std::to_string(job.frames) + " frames of mujoco-record's rule; " +
                    DescribeExit(run) + "; its output: " + Tail(log));
}

// mujoco-record MODEL DURATION FPS OUT.rgb under Xvfb. It exits 1 even when it worked, so it is
// judged by the frames it wrote.
double RunMujocoRecord(const Job& job, const std::string& display, const fs::path& scratch) {
  const std::string out = (scratch / "record.rgb").string(),
                    log = (scratch / "record.log").string();
  const ChildResult run =
      RunChild({{kMujocoRecord, job.model, Exact(job.duration), Exact(job.fps), out},
                {"DISPLAY=" + display},
                log,
                log});
  CheckFrames("mujoco-record", job, out, run, ReadTextFile(log));
  return run.seconds;
}

// `twin bench render-job MODEL DURATION FPS OUT.rgb`; returns its time and what it drew.
double RunTwin(const Job& job, const std::string& device, const fs::path& scratch,
               std::map<std::string, std::string>* report) {
  const std::string out = (scratch / "twin.rgb").string(), log = (scratch / "twin.log").string(),
                    err = (scratch / "twin.err").string();
  std::vector<std::string> argv = {fs::read_symlink("/proc/self/exe").string(),
                                   "bench",
                                   "render-job",
                                   job.model,
                                   Exact(job.duration),
                                   Exact(job.fps),
                                   out};
  if (!device.empty()) argv.insert(argv.end(), {"--device", device});
  const ChildResult run = RunChild({argv, {}, log, err});
  if (run.exit_code != 0) {
    fs::remove(out);
    throw base::Error("twin bench render-job on " + job.model + " failed (" + DescribeExit(run) +
                      "): " + Tail(ReadTextFile(err)));
  }
  CheckFrames("twin", job, out, run, ReadTextFile(err));
  // One line of key=value fields; the device's description, with spaces, comes last.
  const std::string text = ReadTextFile(log);
  const size_t device_at = text.find("device=");
  std::istringstream fields(text.substr(0, device_at));
  for (std::string field; fields >> field;) {
    const size_t eq = field.find('=');
    if (eq != std::string::npos) (*report)[field.substr(0, eq)] = field.substr(eq + 1);
  }
  if (device_at != std::string::npos)
    (*report)["device"] = text.substr(device_at + 7, text.find('\n', device_at) - device_at - 7);
  return run.seconds;
}

// "light 0 'spotlight'", or "no light" for -1.
std::string LightName(const mjModel* m, int light) {
  if (light < 0) return "no light";
  std::string name = "light " + std::to_string(light);
  if (m->name_lightadr[light] >= 0 && m->names[m->name_lightadr[light]])
    name += std::string(" '") + (m->names + m->name_lightadr[light]) + "'";
  return name;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Twin's drawing as its job reported it (the shadow map it used), over what the model says.
Drawing ReportedDrawing(Drawing d, const std::map<std::string, std::string>& report) {
  if (auto it = report.find("shadow"); it != report.end()) d.shadow_size = std::stoi(it->second);
  if (auto it = report.find("shadow_lights"); it != report.end())
    d.shadow_lights = std::stoi(it->second);
  if (auto it = report.find("samples"); it != report.end()) d.samples = std::stoi(it->second);
  return d;
}

struct Row {
  const char* job;
  const char* tool;
  std::vector<double> seconds;
  Drawing drew;
  std::string extra;  // what else it draws
};

// Section 1: the mujoco-record job, equal and at each one's defaults. Returns the exit code.
int CompareWithMujocoRecord(const BenchRenderOptions& opt) {
  sim::WorldOptions quiet;
  quiet.log = [](const std::string&) {};
  const sim::World original = sim::World::FromFile(opt.model, quiet);
  const mjModel* m = original.model();
  Job job;
  job.duration = opt.duration;
  job.fps = opt.fps;
  job.width = m->vis.global.offwidth;
  job.height = m->vis.global.offheight;
  job.frames = RecordFrameCount(m->opt.timestep, opt.duration, opt.fps);
  std::printf(
      "  job         %s\n"
      "              %g s simulated (step %g s), a frame whenever more than 1/%g s of it passed\n"
      "              since the last (mujoco-record's rule): %lld frames of %dx%d RGB with the\n"
      "              depth inset, written raw; each run a fresh process timed start to exit\n",
      opt.model.c_str(), opt.duration, m->opt.timestep, opt.fps, static_cast<long long>(job.frames),
      job.width, job.height);
  std::fflush(stdout);
  if (!fs::exists(kMujocoRecord) || !fs::exists(kXvfb)) {
    std::printf(
        "  failed      the baseline cannot run: %s or %s is missing (tools/setup installs "
        "both)\n",
        kMujocoRecord, kXvfb);
    return 1;
  }

  const fs::path scratch =
      fs::temp_directory_path() / ("twin-bench-render-" + std::to_string(getpid()));
  fs::create_directories(scratch);
  struct Cleanup {
    fs::path path;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(path, ec);
    }
  } cleanup{scratch};
  const std::string equal_model = (scratch / "equal_job.xml").string();
  WriteEqualJobModel(opt.model, m, opt.shadow_size, equal_model);
  std::printf(
      "  equal job   the model with <quality offsamples=\"0\" shadowsize=\"%d\">, every\n"
      "              reflectance 0, no skybox, shadows from %s only: what twin draws\n"
      "  own         each renderer at its own defaults on the model as it is\n",
      opt.shadow_size, LightName(m, render::ShadowLight(m)).c_str());
  std::fflush(stdout);

  Xvfb x;
  if (x.display().empty()) {
    std::printf("  failed      the baseline cannot run: Xvfb did not start\n");
    return 1;
  }
  sim::World equal_world = sim::World::FromFile(equal_model, quiet);
  Job equal = job, own = job;
  equal.model = equal_model;
  own.model = opt.model;
  const std::string text = "time-stamp text";
  std::vector<Row> rows = {
      {"equal job", "mujoco-record (OpenGL)", {}, MujocoDrawing(equal_world.model()), text},
      {"equal job", "twin (Vulkan)", {}, TwinDrawing(equal_world.model()), ""},
      {"own defaults", "mujoco-record (OpenGL)", {}, MujocoDrawing(m), text},
      {"own defaults", "twin (Vulkan)", {}, TwinDrawing(m), ""}};
  std::string device;
  for (int round = 0; round < opt.repeats; ++round) {
    if (opt.repeats > 1 && isatty(STDERR_FILENO))
      std::fprintf(stderr, "\r  round %d of %d...", round + 1, opt.repeats);
    for (int j = 0; j < 2; ++j) {
      const Job& run = j == 0 ? equal : own;
      Row& record = rows[2 * j];
      Row& twin = rows[2 * j + 1];
      // Alternate which goes first, so a slow moment of the machine hits both alike.
      for (int k = 0; k < 2; ++k) {
        if ((k + round) % 2 == 0) {
          record.seconds.push_back(RunMujocoRecord(run, x.display(), scratch));
        } else {
          std::map<std::string, std::string> report;
          twin.seconds.push_back(RunTwin(run, opt.device, scratch, &report));
          twin.drew = ReportedDrawing(twin.drew, report);
          device = report["device"];
        }
      }
    }
  }
  if (opt.repeats > 1 && isatty(STDERR_FILENO)) std::fprintf(stderr, "\r%*s\r", 30, "");

  std::printf("  twin device %s\n", device.c_str());
  std::printf("  %-38s %6s %10s %9s %7s  %s\n", "row (median of rounds)", "frames", "time",
              "frames/s", "ratio", "drew");
  double equal_ratio = 0;
  for (size_t r = 0; r < rows.size(); ++r) {
    const Row& row = rows[r];
    const double seconds = Median(row.seconds);
    const double baseline = Median(rows[r - r % 2].seconds);
    // Both wrote the same frames (CheckFrames): the ratio of frame rates is that of the times.
    const double ratio = baseline / seconds;
    if (r == 1) equal_ratio = ratio;
    const std::string name = std::string(row.job) + ": " + row.tool;
    std::string drew = DescribeDrawing(row.drew);
    if (!row.extra.empty()) drew += ", " + row.extra;
    std::printf("  %-38s %6lld %8.3f s %9.2f %6.2fx  %s\n", name.c_str(),
                static_cast<long long>(job.frames), seconds, job.frames / seconds, ratio,
                drew.c_str());
  }
  if (opt.repeats > 1) {
    for (const Row& row : rows) {
      std::string list;
      for (double s : row.seconds) {
        char one[32];
        std::snprintf(one, sizeof one, " %.3f", s);
        list += one;
      }
      std::printf("  rounds      %s: %s:%s s\n", row.job, row.tool, list.c_str());
    }
  }
  std::printf("  goal        twin >= 3x mujoco-record on the equal job: %.2fx, %s\n", equal_ratio,
              equal_ratio >= 3 ? "met" : "NOT met");
  std::fflush(stdout);
  return 0;
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
  std::fflush(stdout);
  if (const int code = CompareWithMujocoRecord(opt); code != 0) return code;

  // 2. The warehouse cameras per modality set and resolution.
  render::Context probe(render::ContextOptions{opt.device, false});
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
