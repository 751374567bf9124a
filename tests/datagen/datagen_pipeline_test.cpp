// twin datagen's frames, rebuilt independently: frame k of a dataset is what the scene looks like
// after DomainRandomizer::Apply(seed, k), rendered with frame k's intrinsics from
// scene_camera.json. Its depth PNG times depth_scale equals that float depth within the 16-bit
// millimetre quantization, and its instance PNG equals the rendered ids exactly.
#include <twin/datagen/datagen.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>

#include <twin/render/image_io.h>
#include <twin/render/renderer.h>
#include <twin/render/scene_cameras.h>
#include <twin/scenes/randomize.h>
#include <twin/sim/domain_randomizer.h>
#include <twin/sim/site_world.h>
#include <nlohmann/json.hpp>

#include "python_cv.h"
#include "render_support.h"

namespace {

const std::string kScene = std::string(TWIN_TEST_DATA) + "/layouts/datagen_cell.yaml";

nlohmann::json ReadJson(const std::string& path) {
  std::ifstream file(path);
  return nlohmann::json::parse(file);
}

}  // namespace

TEST_CASE("a dataset frame's depth and ids equal frame k rebuilt from (seed, k)",
          "[datagen][pipeline]") {
  twin::testing::TempDir tmp;
  twin::datagen::DatagenOptions opt;
  opt.scene = kScene;
  opt.frames = 3;
  opt.out = tmp / "set";
  opt.workers = 2;
  opt.log = [](const std::string&) {};
  const twin::datagen::DatagenStats stats = twin::datagen::RunDatagen(opt);
  REQUIRE(stats.frames_made == 3);

  twin::sim::SiteWorld site = twin::sim::LoadSiteWorld(kScene, {}, std::nullopt, false);
  twin::sim::World& world = site.world;
  const twin::sim::DomainRandomizer randomizer(site.scene.site, site.scene.site.randomize, world);
  twin::render::RenderCamera camera =
      twin::render::SelectCameras(twin::render::SceneCameras(site.scene, world.model()), "cell_cam")
          .front();
  twin::render::Renderer renderer(twin::testing::ValidatedContext(), world.model(),
                                  twin::render::SceneLabelsOf(site.scene, world.model()));
  renderer.AddCamera(camera);
  const nlohmann::json scene_camera = ReadJson(opt.out + "/cell_cam/scene_camera.json");
  const double depth_scale = ReadJson(opt.out + "/cell_cam/camera.json").at("depth_scale");
  REQUIRE(depth_scale == 0.001);

  // Out of order on purpose: frame k does not depend on the frames before it.
  for (int k : {2, 0, 1}) {
    CAPTURE(k);
    randomizer.Apply(world, world.seed(), static_cast<uint64_t>(k));
    const auto K = scene_camera.at(std::to_string(k)).at("cam_K");
    twin::render::CameraIntrinsics intrinsics = camera.intrinsics;
    intrinsics.fx = K[0], intrinsics.cx = K[2], intrinsics.fy = K[4], intrinsics.cy = K[5];
    renderer.SetCameraIntrinsics(0, intrinsics);
    const twin::render::CameraFrame frame = renderer.Render(world.data()).front();

    char name[16];
    std::snprintf(name, sizeof name, "%06d.png", k);
    const auto depth = twin::render::ReadPng(opt.out + "/cell_cam/depth/" + name);
    const auto instance = twin::render::ReadPng(opt.out + "/cell_cam/instance/" + name);
    REQUIRE(depth.bit_depth == 16);
    REQUIRE(depth.pixels16.size() == frame.pixels());
    double worst = 0;
    size_t surfaces = 0, nonzero_without_surface = 0;
    for (size_t i = 0; i < frame.pixels(); ++i) {
      const float z = frame.depth[i];
      if (z <= 0 || z > 65.535) {
        nonzero_without_surface += depth.pixels16[i] != 0;
        continue;
      }
      ++surfaces;
      worst = std::max(worst, std::abs(depth.pixels16[i] * depth_scale - z));
    }
    CHECK(nonzero_without_surface == 0);
    CHECK(surfaces > frame.pixels() / 2);
    CHECK(worst <= 0.5 * depth_scale + 1e-6);  // rounding to the nearest millimetre
    CHECK(instance.pixels16 == frame.instance);
  }
}
