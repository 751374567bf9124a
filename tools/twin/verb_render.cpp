// twin render SCENE: steps the scene to --time and writes one frame of every camera (rgb, depth,
// instance, semantic, normal, camera.json) in the dataset layout, plus preview.png to look at.
#include <twin/datagen/frame_images.h>
#include <twin/render/context.h>
#include <twin/render/image_io.h>
#include <twin/render/renderer.h>
#include <twin/render/scene_cameras.h>
#include <twin/sim/site_world.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include "cli_checks.h"
#include "frame_writer.h"
#include "progress.h"
#include "verbs.h"

namespace twin::tools {
namespace {

struct RenderOptions {
  std::string scene;
  std::string camera = "all";
  double time = 0;
  std::string out;
  std::string device;
  std::optional<uint64_t> seed;
  int width = render::kDefaultWidth, height = render::kDefaultHeight;
  bool no_shadows = false;
};

std::string DefaultOut(const std::string& scene) {
  return "out/render/" + std::filesystem::path(scene).stem().string();
}

int Render(const RenderOptions& opt) {
  const std::string out = opt.out.empty() ? DefaultOut(opt.scene) : opt.out;
  sim::SiteWorld site = sim::LoadSiteWorld(opt.scene, {}, opt.seed, true);
  sim::World& world = site.world;

  // Cameras first: a bad --camera or impossible intrinsics fail before any stepping.
  const std::vector<render::RenderCamera> cameras = render::SelectCameras(
      render::SceneCameras(site.scene, world.model(), opt.width, opt.height), opt.camera);

  render::Context context(render::ContextOptions{opt.device, false});
  std::fprintf(stderr, "twin render: device %s%s\n", context.Describe().c_str(),
               context.validation_enabled() ? ", Vulkan validation on" : "");
  render::RendererOptions renderer_options;
  renderer_options.shadows = !opt.no_shadows;
  renderer_options.seed = world.seed();
  render::Renderer renderer(context, world.model(),
                            render::SceneLabelsOf(site.scene, world.model()), renderer_options);
  for (const render::RenderCamera& camera : cameras) renderer.AddCamera(camera);

  const int64_t steps = static_cast<int64_t>(std::llround(opt.time / world.timestep()));
  {
    ProgressLine progress("twin render: stepping", steps * world.timestep(), "s sim");
    for (int64_t done = 0; done < steps;) {
      done += world.Step(std::min<int64_t>(steps - done, 500));
      progress.Update(done * world.timestep());
      if (world.diverged()) break;
    }
  }
  if (world.diverged()) {
    std::fprintf(stderr, "twin render: the simulation diverged at t=%.3f s; nothing rendered\n",
                 world.time());
    return kExitDiverged;
  }
  // mj_step leaves the poses of the state before its last integration; bring them up to date.
  mj_forward(world.model(), world.data());

  const std::vector<render::CameraFrame> frames = renderer.Render(world.data());
  int files = 0;
  MakeDirectories(out);
  for (const render::CameraFrame& frame : frames) {
    files += static_cast<int>(WriteFrame(out, frame, 0).size());
    WriteCameraJson(out, frame);
    ++files;
  }
  files += static_cast<int>(WriteLabelTables(out, renderer.labels()).size());
  render::WritePng(out + "/preview.png", datagen::PreviewSheet(frames));
  ++files;

  std::printf("twin render: %s at t=%.3f s -> %s\n", opt.scene.c_str(), world.time(), out.c_str());
  for (const render::CameraFrame& frame : frames)
    std::printf("  camera      %-16s %dx%d  fx %.1f fy %.1f cx %.1f cy %.1f\n",
                frame.camera.c_str(), frame.width, frame.height, frame.intrinsics.fx,
                frame.intrinsics.fy, frame.intrinsics.cx, frame.intrinsics.cy);
  std::printf("  files       %d (rgb, depth, instance, semantic, normal PNGs; camera.json)\n",
              files);
  std::printf("  preview     %s/preview.png\n", out.c_str());
  return kExitOk;
}

}  // namespace

void AddRenderVerb(CLI::App& app, int* exit_code) {
  auto opt = std::make_shared<RenderOptions>();
  CLI::App* verb = app.add_subcommand(
      "render", "Render one frame of every camera (rgb, depth, masks, normals) to PNG files");
  verb->add_option("scene", opt->scene,
                   "Scene file: a twin layout (.yaml), MuJoCo MJCF (.xml) or URDF (.urdf)")
      ->required();
  verb->add_option("--camera", opt->camera, "Camera name, or 'all'")->capture_default_str();
  verb->add_option("--time", opt->time, "Simulated seconds to step before rendering")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  verb->add_option("--out", opt->out, "Output folder (default: out/render/<scene name>)");
  verb->add_option("--device", opt->device,
                   "Vulkan device: index or part of its name (default: a GPU, else lavapipe)")
      ->check(DeviceSelector());
  verb->add_option_function<uint64_t>(
      "--seed", [opt](const uint64_t& seed) { opt->seed = seed; },
      "Seed of every random choice (sensor noise included)");
  verb->add_option("--width", opt->width, "Width of MJCF cameras (layouts give their own)")
      ->check(CLI::Range(1, 16384))
      ->capture_default_str();
  verb->add_option("--height", opt->height, "Height of MJCF cameras")
      ->check(CLI::Range(1, 16384))
      ->capture_default_str();
  verb->add_flag("--no-shadows", opt->no_shadows, "Skip the shadow map");
  verb->callback([opt, exit_code] { *exit_code = Render(*opt); });
}

}  // namespace twin::tools
