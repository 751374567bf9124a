// The shadow map: which light casts it (chosen per frame: the brightest active light with
// castshadow) and its size (the model's <visual><quality shadowsize>). Where a shadow should be is
// found independently, by mj_ray from each floor point towards each light.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include <twin/render/renderer.h>
#include <twin/sim/world.h>

#include "render_support.h"

using twin::render::CameraFrame;
using twin::render::RenderCamera;
using twin::render::Renderer;

namespace {

// A block over a matte floor and two directional lights that cast shadows, from the west (light 0,
// shadow falls east of the block) and from the east (light 1, shadow falls west of it). No
// headlight: a shadowed floor is lit by the other light only.
constexpr const char* kTwoLights = R"(
<mujoco>
  <visual>
    <quality shadowsize="1024"/>
    <headlight ambient="0 0 0" diffuse="0 0 0" specular="0 0 0"/>
  </visual>
  <asset><material name="matte" specular="0" shininess="0"/></asset>
  <worldbody>
    <light name="west" directional="true" castshadow="true" pos="-5 0 5" dir="1 0 -1"
           diffuse="0.3 0.3 0.3" specular="0 0 0"/>
    <light name="east" directional="true" castshadow="true" pos="5 0 5" dir="-1 0 -1"
           diffuse="0.6 0.6 0.6" specular="0 0 0"/>
    <geom name="floor" type="plane" size="10 10 0.1" material="matte"/>
    <geom name="block" type="box" pos="0 0 1" size="0.3 0.3 0.3" material="matte"/>
  </worldbody>
</mujoco>)";

double Linear(uint8_t srgb) {
  const double c = srgb / 255.0;
  return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

// Whether the floor point p lies in light l's geometric shadow (mj_ray towards the light).
bool Shadowed(const mjModel* m, const mjData* d, int l, const double p[3]) {
  double to_light[3];
  for (int i = 0; i < 3; ++i) to_light[i] = -d->light_xdir[3 * l + i];
  const mjtByte groups[mjNGROUP] = {1, 1, 1, 0, 0, 0};
  int geom = -1;
  const double from[3] = {p[0], p[1], p[2] + 1e-6};
  mj_ray(m, d, from, to_light, groups, 1, -1, &geom);
  return geom >= 0;
}

// Mean linear brightness of the floor pixels in each light's shadow only, and in neither. A pixel
// counts only where its shadow state is the same 5 cm around it (no penumbra, no shadow-map
// texel edges).
struct FloorLight {
  double west_only = 0, east_only = 0, neither = 0;
  int n_west = 0, n_east = 0, n_neither = 0;
};

FloorLight MeasureFloor(const mjModel* m, const mjData* d, const CameraFrame& f,
                        const RenderCamera& c) {
  const int floor = mj_name2id(m, mjOBJ_GEOM, "floor");
  FloorLight out;
  for (int v = 0; v < f.height; ++v)
    for (int u = 0; u < f.width; ++u) {
      int geom = -1;
      const double z =
          twin::testing::RayDepth(m, d, f.intrinsics, c.position, c.rotation, u, v, &geom);
      if (geom != floor) continue;
      const auto dir = twin::testing::PixelRay(f.intrinsics, c.rotation, u, v);
      double forward = 0;
      for (int i = 0; i < 3; ++i) forward += dir[i] * c.rotation[3 * i + 2];
      double p[3];
      for (int i = 0; i < 3; ++i) p[i] = c.position[i] + z / forward * dir[i];
      bool state[2] = {Shadowed(m, d, 0, p), Shadowed(m, d, 1, p)};
      bool uniform = true;
      for (const auto& [dx, dy] : {std::pair{0.05, 0.0}, {-0.05, 0.0}, {0.0, 0.05}, {0.0, -0.05}}) {
        const double q[3] = {p[0] + dx, p[1] + dy, p[2]};
        uniform = uniform && Shadowed(m, d, 0, q) == state[0] && Shadowed(m, d, 1, q) == state[1];
      }
      if (!uniform || (state[0] && state[1])) continue;
      const size_t i = 3 * (static_cast<size_t>(v) * f.width + u);
      const double y =
          0.2126 * Linear(f.rgb[i]) + 0.7152 * Linear(f.rgb[i + 1]) + 0.0722 * Linear(f.rgb[i + 2]);
      if (state[0]) {
        out.west_only += y, ++out.n_west;
      } else if (state[1]) {
        out.east_only += y, ++out.n_east;
      } else {
        out.neither += y, ++out.n_neither;
      }
    }
  out.west_only /= std::max(out.n_west, 1);
  out.east_only /= std::max(out.n_east, 1);
  out.neither /= std::max(out.n_neither, 1);
  return out;
}

RenderCamera OverheadCamera() {
  RenderCamera camera;
  camera.name = "overhead";
  camera.intrinsics = {160, 120, 90, 90, 79.5, 59.5};
  camera.position = {0, -3, 5};
  camera.rotation = twin::testing::LookAt(camera.position, {0, 0, 0});
  return camera;
}

}  // namespace

TEST_CASE("The shadow comes from the brightest active light with castshadow, chosen per frame",
          "[render][shadow]") {
  twin::sim::World world = twin::sim::World::FromXml(kTwoLights);
  mjModel* m = world.mutable_model();
  mjData* d = world.data();
  mj_forward(m, d);
  auto& context = twin::testing::ValidatedContext();
  Renderer renderer(context, m, twin::render::LabelsFromModel(m));
  const RenderCamera camera = OverheadCamera();
  renderer.AddCamera(camera);

  // Which light's shadow the floor shows (0 west, 1 east): the floor in that light's geometric
  // shadow is darker than the open floor (lit by the other light only), the floor in the other
  // light's geometric shadow is as bright as the open floor.
  auto shadow_from = [&](const FloorLight& f) {
    INFO("floor brightness: west shadow " << f.west_only << " (" << f.n_west << " px), east shadow "
                                          << f.east_only << " (" << f.n_east << " px), neither "
                                          << f.neither << " (" << f.n_neither << " px)");
    REQUIRE(f.n_west > 50);
    REQUIRE(f.n_east > 50);
    REQUIRE(f.n_neither > 500);
    REQUIRE(f.neither > 0.05);
    const bool west = f.west_only < 0.8 * f.neither && std::abs(f.east_only / f.neither - 1) < 0.05;
    const bool east = f.east_only < 0.8 * f.neither && std::abs(f.west_only / f.neither - 1) < 0.05;
    CHECK(west != east);
    return west ? 0 : east ? 1 : -1;
  };

  // 1. Both on, the east light brighter (though second): its shadow.
  CHECK(shadow_from(MeasureFloor(m, d, renderer.Render(d, twin::render::kRgb)[0], camera)) == 1);
  // 2. The east light switched off, as the randomizer does between frames: the west one's.
  m->light_active[1] = 0;
  CHECK(shadow_from(MeasureFloor(m, d, renderer.Render(d, twin::render::kRgb)[0], camera)) == 0);
  // 3. Both on again, the west light now the brighter (a new colour): the west one's.
  m->light_active[1] = 1;
  for (int c = 0; c < 3; ++c) m->light_diffuse[c] = 0.9f;
  CHECK(shadow_from(MeasureFloor(m, d, renderer.Render(d, twin::render::kRgb)[0], camera)) == 0);
  // 4. The west light off: the east one's again.
  m->light_active[0] = 0;
  CHECK(shadow_from(MeasureFloor(m, d, renderer.Render(d, twin::render::kRgb)[0], camera)) == 1);
  twin::testing::RequireNoValidationMessages(context);
}

TEST_CASE("The shadow map has the model's shadowsize, clamped to the device", "[render][shadow]") {
  auto& context = twin::testing::ValidatedContext();
  auto size_of = [&](const std::string& quality, const char* castshadow, bool shadows) {
    const std::string xml = "<mujoco><visual>" + quality +
                            "</visual><worldbody><light directional='true' castshadow='" +
                            castshadow +
                            "' dir='0 0 -1'/><geom type='box' size='1 1 1'/></worldbody></mujoco>";
    twin::sim::World world = twin::sim::World::FromXml(xml);
    twin::render::RendererOptions options;
    options.shadows = shadows;
    Renderer renderer(context, world.model(), twin::render::LabelsFromModel(world.model()),
                      options);
    return renderer.shadow_map_size();
  };
  CHECK(size_of("<quality shadowsize='512'/>", "true", true) == 512);
  CHECK(size_of("<quality shadowsize='300'/>", "true", true) == 300);
  // MuJoCo's default, which a model without <quality> gets.
  CHECK(size_of("", "true", true) == std::min(4096u, context.max_image_dimension()));
  CHECK(size_of("<quality shadowsize='512'/>", "false", true) == 0);  // no light casts shadows
  CHECK(size_of("<quality shadowsize='512'/>", "true", false) == 0);  // shadows off
  CHECK(size_of("<quality shadowsize='0'/>", "true", true) == 0);
  twin::testing::RequireNoValidationMessages(context);
}
