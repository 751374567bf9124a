// Each built-in twin's cameras against reference images rendered on lavapipe (refresh them with
// tools/refresh-goldens after a deliberate change, and look at them before committing). The
// goldens are the renderer's own earlier output: a regression check that catches unintended
// changes, not independent truth (the other render tests compare with mj_ray, the pinhole
// equation and OpenCV).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <twin/render/image_io.h>
#include <twin/render/renderer.h>
#include <twin/render/scene_cameras.h>
#include <twin/sim/site_world.h>

#include "render_support.h"

namespace {

// RGB may move slightly between LLVM versions and CPUs (lavapipe's JIT uses the CPU's vector
// width): a mean difference of 2 levels and 1% of channels off by more than 24 levels are allowed.
// Ids are not shaded, so their pixels must match but for 0.5% along edges.
constexpr double kMaxMeanRgbDifference = 2.0;
constexpr double kMaxFarRgbFraction = 0.01;
constexpr double kMaxIdFraction = 0.005;

}  // namespace

TEST_CASE("The twins' cameras match their golden images", "[render][golden]") {
  auto& context = twin::testing::ValidatedContext();
  for (const char* name : {"factory_cell", "warehouse", "warehouse_large"}) {
    CAPTURE(name);
    twin::sim::SiteWorld site =
        twin::sim::LoadSiteWorld(std::string(TWIN_TWINS_DIR) + "/" + name + ".yaml", {});
    const mjModel* m = site.world.model();
    mj_forward(m, site.world.data());
    twin::render::RendererOptions options;
    options.seed = site.world.seed();  // what twin render uses: the same noise
    twin::render::Renderer renderer(context, m, twin::render::SceneLabelsOf(site.scene, m),
                                    options);
    for (const auto& camera : twin::render::SceneCameras(site.scene, m)) renderer.AddCamera(camera);
    for (const twin::render::CameraFrame& frame : renderer.Render(site.world.data())) {
      CAPTURE(frame.camera);
      const std::string base =
          std::string(TWIN_TEST_DATA) + "/goldens/" + name + "/" + frame.camera;
      const twin::render::Image rgb = twin::render::ReadPng(base + "_rgb.png");
      const twin::render::Image ids = twin::render::ReadPng(base + "_instance.png");
      REQUIRE(rgb.width == frame.width);
      REQUIRE(rgb.height == frame.height);
      REQUIRE(rgb.channels == 3);
      double sum = 0;
      size_t far = 0;
      for (size_t i = 0; i < frame.rgb.size(); ++i) {
        const int d = std::abs(int{frame.rgb[i]} - int{rgb.pixels8[i]});
        sum += d;
        far += d > 24;
      }
      size_t id_diff = 0;
      for (size_t i = 0; i < frame.pixels(); ++i) id_diff += frame.instance[i] != ids.pixels16[i];
      const double mean = sum / frame.rgb.size();
      const double far_fraction = static_cast<double>(far) / frame.rgb.size();
      const double id_fraction = static_cast<double>(id_diff) / frame.pixels();
      INFO("mean |rgb - golden| " << mean << ", channels off by > 24: " << far_fraction
                                  << ", id pixels differing: " << id_fraction);
      CHECK(mean <= kMaxMeanRgbDifference);
      CHECK(far_fraction <= kMaxFarRgbFraction);
      CHECK(id_fraction <= kMaxIdFraction);
    }
  }
  twin::testing::RequireNoValidationMessages(context);
}
