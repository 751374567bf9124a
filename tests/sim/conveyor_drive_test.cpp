// Belts and powered rollers carry loads at their speed (measured on the load, by MuJoCo).
#include <twin/scenes/scene.h>
#include <twin/sim/site_world.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

using twin::sim::SiteWorld;

namespace {

SiteWorld Load(const std::string& yaml, const std::string& name) {
  return twin::sim::MakeSiteWorld(twin::scenes::LoadLayoutText(yaml, name, "."), {});
}

// Velocity of a body's origin along world x, by finite difference over `steps` steps.
double SpeedX(SiteWorld& s, int body, int steps) {
  const double x0 = s.world.data()->xpos[3 * body];
  const double t0 = s.world.time();
  s.world.Step(steps);
  return (s.world.data()->xpos[3 * body] - x0) / (s.world.time() - t0);
}

const char* kBelt = R"(
equipment:
  - {type: conveyor, name: belt, length: 6, speed: 0.4}
  - {type: carton, name: box, parent: belt/start, pose: {position: [0.4, 0, 0.002]}, mass: 3}
)";

}  // namespace

TEST_CASE("A carton on a running belt moves at belt speed", "[sim][conveyor]") {
  SiteWorld s = Load(kBelt, "belt_speed.yaml");
  const int box = s.world.BodyId("box");
  s.world.Step(500);  // 1 s: land and accelerate
  CHECK(SpeedX(s, box, 500) == Approx(0.4).epsilon(0.05));
  CHECK(s.world.data()->xpos[3 * box + 2] == Approx(0.8).margin(0.003));  // still on the belt
}

TEST_CASE("The belt stops, reverses and restarts on command", "[sim][conveyor]") {
  SiteWorld s = Load(kBelt, "belt_commands.yaml");
  const int box = s.world.BodyId("box");
  s.world.Step(500);
  s.conveyors->SetSpeed("belt", 0.0);
  s.world.Step(100);
  CHECK(std::abs(SpeedX(s, box, 250)) < 0.01);
  s.conveyors->SetSpeed("belt", -0.25);
  s.world.Step(250);
  CHECK(SpeedX(s, box, 500) == Approx(-0.25).epsilon(0.05));
  CHECK(s.conveyors->speed("belt") == -0.25);
  CHECK_THROWS_WITH(s.conveyors->SetSpeed("bealt", 1),
                    Catch::Matchers::Contains("no conveyor named 'bealt' (did you mean 'belt'?)"));
}

TEST_CASE("Powered rollers carry a carton, gravity rollers do not drive it", "[sim][conveyor]") {
  SiteWorld s = Load(R"(
equipment:
  - {type: roller_conveyor, name: powered, length: 4, powered: true, speed: 0.3}
  - {type: carton, name: a, parent: powered/start, pose: {position: [0.4, 0, 0.002]}}
  - {type: roller_conveyor, name: idle, length: 4, pose: {position: [0, 2, 0]}}
  - {type: carton, name: b, parent: idle/start, pose: {position: [0.4, 0, 0.002]}}
)",
                     "rollers.yaml");
  s.world.Step(500);
  CHECK(SpeedX(s, s.world.BodyId("a"), 500) == Approx(0.3).epsilon(0.05));
  CHECK(std::abs(SpeedX(s, s.world.BodyId("b"), 500)) < 0.01);
}
