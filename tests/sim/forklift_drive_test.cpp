// ForkliftDrive on a forklift rolling on the floor and picking a loaded EUR pallet. Motion,
// heights and contacts are measured from MuJoCo's state (body poses, geom positions), never from
// the drive's own readouts.
#include <twin/scenes/scene.h>
#include <twin/sim/forklift_drive.h>
#include <twin/sim/site_world.h>

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

using Catch::Matchers::Contains;
using twin::sim::ForkliftDrive;
using twin::sim::World;

namespace {

using Rig = twin::sim::SiteWorld;

Rig Load(const std::string& text) {
  return twin::sim::MakeSiteWorld(twin::scenes::LoadLayoutText(text, "forklift.yaml", "."), {});
}

const char* kOneForklift = R"(
equipment:
  - {type: forklift, name: fl}
)";

struct Planar {
  double x, y, yaw;
};

Planar Truth(const World& world, int body) {
  const mjData* d = world.data();
  return {d->xpos[3 * body], d->xpos[3 * body + 1],
          std::atan2(d->xmat[9 * body + 3], d->xmat[9 * body + 0])};
}

double Angle(double a, double b) {
  return std::abs(std::remainder(a - b, 2 * M_PI));
}

int Geom(const World& world, const char* name) {
  const int id = mj_name2id(world.model(), mjOBJ_GEOM, name);
  REQUIRE(id >= 0);
  return id;
}

// World-frame bounds of a box geom that is axis-aligned (the truck faces +x, level).
double Top(const World& world, int geom) {
  return world.data()->geom_xpos[3 * geom + 2] + world.model()->geom_size[3 * geom + 2];
}
double Bottom(const World& world, int geom) {
  return world.data()->geom_xpos[3 * geom + 2] - world.model()->geom_size[3 * geom + 2];
}
double Front(const World& world, int geom) {
  return world.data()->geom_xpos[3 * geom] + world.model()->geom_size[3 * geom];
}
double Back(const World& world, int geom) {
  return world.data()->geom_xpos[3 * geom] - world.model()->geom_size[3 * geom];
}

}  // namespace

TEST_CASE("The forklift reaches its speed at the acceleration limit and holds it within 5 %",
          "[sim][forklift_drive]") {
  Rig rig = Load(kOneForklift);
  ForkliftDrive& drive = *rig.forklifts.at(0);
  const int body = rig.world.BodyId("fl");
  const int window = 25;
  const double dt = window * rig.world.timestep();
  drive.SetSpeed(2.5);
  Planar before = Truth(rig.world, body);
  double speed = 0, peak = 0;
  for (int i = 0; i < 3.5 / dt; ++i) {  // 2.5 s to reach 2.5 m/s at 1 m/s^2, and 1 s more
    rig.world.Step(window);
    const Planar now = Truth(rig.world, body);
    const double next = std::hypot(now.x - before.x, now.y - before.y) / dt;
    if (i > 0) peak = std::max(peak, std::abs(next - speed) / dt);
    speed = next;
    before = now;
  }
  CHECK(peak <= 1.0 * 1.02);
  CHECK(peak >= 0.9);
  const Planar from = Truth(rig.world, body);
  rig.world.Step(1000);  // 2 s
  const Planar to = Truth(rig.world, body);
  CHECK(std::hypot(to.x - from.x, to.y - from.y) / 2.0 == Approx(2.5).epsilon(0.05));
  CHECK(std::abs(to.y) < 0.01);  // straight
  CHECK(Angle(to.yaw, 0) < 0.01);
  CHECK(rig.world.anomalies().empty());
}

TEST_CASE("Steering the rear wheel turns the truck about a point on the front axle line",
          "[sim][forklift_drive]") {
  const double steer = GENERATE(0.4, -0.7);
  Rig rig = Load(kOneForklift);
  ForkliftDrive& drive = *rig.forklifts.at(0);
  const int body = rig.world.BodyId("fl");
  drive.SetSteer(steer);
  drive.SetSpeed(1.0);
  rig.world.Step(1500);  // 3 s: steered and up to speed

  // Half a turn sampled every 0.1 s; the origin (the middle of the front axle) runs on a circle
  // of radius wheelbase / tan(steer), the truck turning right for a positive steer angle.
  std::vector<Planar> path;
  double turned = 0, yaw = Truth(rig.world, body).yaw, signed_turn = 0;
  while (turned < M_PI) {
    rig.world.Step(50);
    const Planar now = Truth(rig.world, body);
    turned += Angle(now.yaw, yaw);
    signed_turn += std::remainder(now.yaw - yaw, 2 * M_PI);
    yaw = now.yaw;
    path.push_back(now);
  }
  // The centre is where the perpendicular bisectors of the first-middle and middle-last chords
  // cross; the radius is its distance from the path.
  const Planar &a = path.front(), &b = path[path.size() / 2], &c = path.back();
  const double d = 2 * (a.x * (b.y - c.y) + b.x * (c.y - a.y) + c.x * (a.y - b.y));
  const double ux = ((a.x * a.x + a.y * a.y) * (b.y - c.y) + (b.x * b.x + b.y * b.y) * (c.y - a.y) +
                     (c.x * c.x + c.y * c.y) * (a.y - b.y)) /
                    d;
  const double uy = ((a.x * a.x + a.y * a.y) * (c.x - b.x) + (b.x * b.x + b.y * b.y) * (a.x - c.x) +
                     (c.x * c.x + c.y * c.y) * (b.x - a.x)) /
                    d;
  for (const Planar& p : path) {
    CHECK(std::hypot(p.x - ux, p.y - uy) == Approx(1.4 / std::tan(std::abs(steer))).epsilon(0.05));
  }
  CHECK(signed_turn * steer < 0);
  CHECK(rig.world.anomalies().empty());
}

TEST_CASE("The forklift drives its forks into a loaded pallet, lifts it 1 m and holds it",
          "[sim][forklift_drive]") {
  Rig rig = Load(R"(
equipment:
  - {type: forklift, name: fl}
  - {type: pallet, name: pallet, pose: {position: [3.0, 0, 0]}}
  - {type: carton, name: carton, parent: pallet, size: [0.6, 0.4, 0.4], mass: 15}
)");
  ForkliftDrive& drive = *rig.forklifts.at(0);
  World& world = rig.world;
  const mjData* d = world.data();
  const int pallet = world.BodyId("pallet"), carton = world.BodyId("carton");
  const int deck = Geom(world, "pallet/deck"), shank = Geom(world, "fl/fork_left_shank");
  const int tine = Geom(world, "fl/fork_left");
  world.Step(250);
  const double pallet_x = d->xpos[3 * pallet];

  // Forks in: creep forward until the fork heels are 3 cm from the pallet, then stop.
  drive.SetSpeed(0.3);
  for (int i = 0; i < 10000 && Back(world, deck) - Front(world, shank) > 0.03 + 0.05; ++i) {
    world.Step(1);  // 0.05 m: what 0.3 m/s takes to brake at 1 m/s^2
  }
  drive.SetSpeed(0);
  world.Step(500);
  CHECK(Front(world, tine) > Back(world, deck) + 1.0);      // the tines are under the pallet
  CHECK(std::abs(d->xpos[3 * pallet] - pallet_x) < 0.005);  // and did not push it

  // Lift: up to the deck's underside, then 1 m more.
  const double pallet_z = d->xpos[3 * pallet + 2], carton_z = d->xpos[3 * carton + 2];
  const double gap = Bottom(world, deck) - Top(world, tine);
  CHECK(gap > 0.02);
  drive.SetLift(drive.LiftHeight(*d) + gap + 1.0);
  world.Step(3000);  // 6 s: 1.04 m at 0.5 m/s takes about 2 s

  // Held for 10 s: the pallet 1 m up (within 2 cm), level, the carton still on it.
  for (int i = 0; i < 20; ++i) {
    world.Step(250);
    INFO("t = " << world.time());
    CHECK(d->xpos[3 * pallet + 2] - pallet_z == Approx(1.0).margin(0.02));
    CHECK(d->xmat[9 * pallet + 8] > std::cos(2 * M_PI / 180));
    CHECK(d->xpos[3 * carton + 2] - d->xpos[3 * pallet + 2] ==
          Approx(carton_z - pallet_z).margin(0.005));
    CHECK(std::hypot(d->xpos[3 * carton] - d->xpos[3 * pallet],
                     d->xpos[3 * carton + 1] - d->xpos[3 * pallet + 1]) < 0.01);
  }
  CHECK(world.anomalies().empty());
}

TEST_CASE("The mast lifts the forks to full height in two stages and tilts",
          "[sim][forklift_drive]") {
  Rig rig = Load(kOneForklift);
  ForkliftDrive& drive = *rig.forklifts.at(0);
  World& world = rig.world;
  const int tine = Geom(world, "fl/fork_left");
  const int mast = world.BodyId("fl/mast");
  world.Step(100);
  const double lowered = Bottom(world, tine);
  drive.SetLift(3.0);
  world.Step(4500);  // 9 s; 3 m at 0.5 m/s takes 6 s
  CHECK(Bottom(world, tine) - lowered == Approx(3.0).margin(0.01));
  drive.SetLift(0.5);
  world.Step(3500);
  CHECK(Bottom(world, tine) - lowered == Approx(0.5).margin(0.01));

  // Tilt back by 0.1 rad: the mast's z axis leans towards the counterweight (-x).
  drive.SetTilt(0.1);
  world.Step(1500);  // 3 s at 5 deg/s
  const mjtNum* r = world.data()->xmat + 9 * mast;
  CHECK(std::atan2(-r[2], r[8]) == Approx(0.1).margin(0.005));
  drive.SetTilt(-1.0);
  CHECK(drive.tilt_target() == Approx(-6 * M_PI / 180));  // clamped to tilt_forward
  CHECK(world.anomalies().empty());
}

TEST_CASE("Snapshot and restore continue a driving forklift bit-exactly", "[sim][forklift_drive]") {
  Rig rig = Load(kOneForklift);
  rig.forklifts.at(0)->SetSpeed(1.5);
  rig.forklifts.at(0)->SetSteer(0.3);
  rig.forklifts.at(0)->SetLift(0.4);
  rig.world.Step(300);
  const twin::sim::WorldSnapshot snapshot = rig.world.Snapshot();
  rig.world.Step(500);
  const std::vector<mjtNum> first(rig.world.data()->qpos,
                                  rig.world.data()->qpos + rig.world.model()->nq);
  rig.world.Restore(snapshot);
  rig.world.Step(500);
  const std::vector<mjtNum> second(rig.world.data()->qpos,
                                   rig.world.data()->qpos + rig.world.model()->nq);
  CHECK(first == second);
}

TEST_CASE("A site world comes with a drive for each forklift", "[sim][forklift_drive]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("twin_forklift_" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "yard.yaml";
  std::ofstream(file) << "equipment:\n  - {type: forklift, name: fl}\n";
  twin::sim::SiteWorld site = twin::sim::LoadSiteWorld(file.string(), {});
  fs::remove_all(dir);
  REQUIRE(site.forklifts.size() == 1);
  site.Forklift("fl").SetSpeed(1.0);
  site.world.Step(1500);
  CHECK(Truth(site.world, site.world.BodyId("fl")).x > 1.5);
  CHECK_THROWS_WITH(site.Forklift("f1"),
                    Contains("no forklift named 'f1'") && Contains("did you mean 'fl'"));
}
