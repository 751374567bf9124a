// DiffDrive on an AMR rolling on the floor. Motion is measured from MuJoCo's body poses (xpos,
// xmat), never from the drive's own readouts: speed and acceleration by finite differences,
// turning radius by a least-squares circle through the path.
#include <twin/base/error.h>
#include <twin/scenes/scene.h>
#include <twin/sim/diff_drive.h>
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
using twin::sim::DiffDrive;
using twin::sim::Pose2d;
using twin::sim::World;

namespace {

using Rig = twin::sim::SiteWorld;

Rig Load(const std::string& text) {
  return twin::sim::MakeSiteWorld(twin::scenes::LoadLayoutText(text, "amr.yaml", "."), {});
}

const char* kOneAmr = R"(
equipment:
  - {type: amr, name: amr1}
)";

// The body's planar pose as MuJoCo computed it.
Pose2d Truth(const World& world, int body) {
  const mjData* d = world.data();
  return {d->xpos[3 * body], d->xpos[3 * body + 1],
          std::atan2(d->xmat[9 * body + 3], d->xmat[9 * body + 0])};
}

double AngleBetween(double a, double b) {
  return std::abs(std::remainder(a - b, 2 * M_PI));
}

// Radius of the least-squares circle x^2 + y^2 + D x + E y + F = 0 through the points (Kasa).
double FitCircleRadius(const std::vector<Pose2d>& points) {
  // Normal equations of [x y 1] [D E F]^T = -(x^2 + y^2).
  double a[3][4] = {};
  for (const Pose2d& p : points) {
    const double row[3] = {p.x, p.y, 1}, rhs = -(p.x * p.x + p.y * p.y);
    for (int i = 0; i < 3; ++i) {
      for (int j = 0; j < 3; ++j) a[i][j] += row[i] * row[j];
      a[i][3] += row[i] * rhs;
    }
  }
  for (int i = 0; i < 3; ++i) {  // Gauss-Jordan; the matrix is symmetric positive definite
    for (int k = 0; k < 3; ++k) {
      if (k == i) continue;
      const double f = a[k][i] / a[i][i];
      for (int j = i; j < 4; ++j) a[k][j] -= f * a[i][j];
    }
  }
  const double d = a[0][3] / a[0][0], e = a[1][3] / a[1][1], f = a[2][3] / a[2][2];
  return std::sqrt(d * d / 4 + e * e / 4 - f);
}

}  // namespace

TEST_CASE("An AMR with no command stays where it was put", "[sim][diff_drive]") {
  Rig rig = Load(R"(
equipment:
  - {type: amr, name: amr1, pose: {position: [1, -1, 0], yaw: 135}}
)");
  const int body = rig.world.BodyId("amr1");
  const Pose2d start = Truth(rig.world, body);
  rig.world.Step(2500);  // 5 s
  const Pose2d end = Truth(rig.world, body);
  CHECK(std::hypot(end.x - start.x, end.y - start.y) < 1e-3);
  CHECK(AngleBetween(end.yaw, start.yaw) < 1e-3);
  CHECK(rig.world.anomalies().empty());
}

TEST_CASE("A speed command is reached at the acceleration limit and held within 5 %",
          "[sim][diff_drive]") {
  const double limit = GENERATE(0.5, 0.3);
  Rig rig = Load(
      "equipment:\n  - {type: amr, name: amr1, max_acceleration: " + std::to_string(limit) + "}\n");
  DiffDrive& drive = *rig.amrs.at(0);
  CHECK(drive.spec().max_acceleration == limit);
  const int body = rig.world.BodyId("amr1");
  const int window = 25;  // steps: speeds over 50 ms, accelerations between those
  const double dt = window * rig.world.timestep();

  // Speeding up to 1 m/s and braking to a stop: the acceleration stays within the limit (2 %
  // for finite differences), and does reach it.
  auto max_acceleration_while = [&](double seconds) {
    Pose2d before = Truth(rig.world, body);
    double speed = 0, peak = 0;
    for (int i = 0; i < seconds / dt; ++i) {
      rig.world.Step(window);
      const Pose2d now = Truth(rig.world, body);
      const double next = std::hypot(now.x - before.x, now.y - before.y) / dt;
      if (i > 0) peak = std::max(peak, std::abs(next - speed) / dt);
      speed = next;
      before = now;
    }
    return peak;
  };
  drive.SetVelocity(1.0, 0);
  const double speeding_up = max_acceleration_while(1.0 / limit + 1);
  CHECK(speeding_up <= limit * 1.02);
  CHECK(speeding_up >= limit * 0.9);

  // Once accelerated: 1 m/s along a straight line.
  const Pose2d from = Truth(rig.world, body);
  rig.world.Step(1000);  // 2 s
  const Pose2d to = Truth(rig.world, body);
  CHECK(std::hypot(to.x - from.x, to.y - from.y) / 2.0 == Approx(1.0).epsilon(0.05));
  CHECK(std::abs(to.y) < 0.01);
  CHECK(AngleBetween(to.yaw, 0) < 0.01);

  drive.Stop();
  const double braking = max_acceleration_while(1.0 / limit + 1);
  CHECK(braking <= limit * 1.02);
  const Pose2d stopped = Truth(rig.world, body);
  rig.world.Step(250);
  CHECK(std::hypot(Truth(rig.world, body).x - stopped.x, Truth(rig.world, body).y - stopped.y) <
        1e-3);
}

TEST_CASE("A turn command drives a circle of radius v / omega within 5 %", "[sim][diff_drive]") {
  const auto [v, omega] = GENERATE(std::pair{0.5, 0.5}, std::pair{0.8, -0.4}, std::pair{1.2, 0.3});
  Rig rig = Load(kOneAmr);
  DiffDrive& drive = *rig.amrs.at(0);
  const int body = rig.world.BodyId("amr1");
  drive.SetVelocity(v, omega);
  rig.world.Step(1500);  // 3 s: both speeds reached

  // One full turn, sampled every 0.1 s.
  std::vector<Pose2d> path;
  const Pose2d start = Truth(rig.world, body);
  double turned = 0, yaw = start.yaw, travelled = 0;
  while (turned < 2 * M_PI) {
    rig.world.Step(50);
    const Pose2d now = Truth(rig.world, body);
    turned += AngleBetween(now.yaw, yaw);
    travelled += path.empty() ? std::hypot(now.x - start.x, now.y - start.y)
                              : std::hypot(now.x - path.back().x, now.y - path.back().y);
    yaw = now.yaw;
    path.push_back(now);
  }
  const double seconds = path.size() * 0.1;
  CHECK(FitCircleRadius(path) == Approx(v / std::abs(omega)).epsilon(0.05));
  CHECK(travelled / seconds == Approx(v).epsilon(0.05));
  CHECK(turned / seconds == Approx(std::abs(omega)).epsilon(0.05));
  // Turning the way the sign says: left for omega > 0.
  const Pose2d& p = path.front();
  const double left_of_start =
      -std::sin(start.yaw) * (p.x - start.x) + std::cos(start.yaw) * (p.y - start.y);
  CHECK(left_of_start * omega > 0);
}

TEST_CASE("The go-to-pose controller brings the AMR within 5 cm and 5 degrees of the goal",
          "[sim][diff_drive]") {
  const Pose2d goal = GENERATE(Pose2d{2.0, 1.0, M_PI / 2}, Pose2d{-1.5, 0.5, M_PI},
                               Pose2d{-0.6, 0.1, 0.3}, Pose2d{0.5, -2.5, -M_PI / 4});
  Rig rig = Load(kOneAmr);
  DiffDrive& drive = *rig.amrs.at(0);
  const int body = rig.world.BodyId("amr1");
  drive.GoTo(goal);
  CHECK(drive.goal_active());
  for (int i = 0; i < 600 && !drive.goal_reached(); ++i) rig.world.Step(50);  // <= 60 s
  REQUIRE(drive.goal_reached());
  rig.world.Step(500);  // and it stays there
  const Pose2d end = Truth(rig.world, body);
  INFO("ended at " << end.x << ", " << end.y << ", " << end.yaw);
  CHECK(std::hypot(end.x - goal.x, end.y - goal.y) < 0.05);
  CHECK(AngleBetween(end.yaw, goal.yaw) < 5 * M_PI / 180);
  // Wheel odometry agrees with the truth to within a few centimetres after the trip.
  CHECK(std::hypot(drive.odometry().x - end.x, drive.odometry().y - end.y) < 0.03);
  CHECK(AngleBetween(drive.odometry().yaw, end.yaw) < 0.03);
  CHECK(rig.world.anomalies().empty());
}

TEST_CASE("The payload lift raises the deck and what is on it", "[sim][diff_drive]") {
  Rig rig = Load(R"(
equipment:
  - {type: amr, name: lifter, lift: true, lift_stroke: 0.06}
  - {type: carton, name: box, parent: lifter/deck, mass: 20}
  - {type: amr, name: plain, pose: {position: [0, 2, 0]}}
)");
  DiffDrive& lifter = *rig.amrs.at(0);
  const int box = rig.world.BodyId("box");
  rig.world.Step(250);
  const double z0 = rig.world.data()->xpos[3 * box + 2];
  lifter.SetLift(0.05);
  rig.world.Step(1500);  // 3 s at 0.05 m/s
  CHECK(rig.world.data()->xpos[3 * box + 2] - z0 == Approx(0.05).margin(0.002));
  CHECK(lifter.LiftHeight(*rig.world.data()) == Approx(0.05).margin(0.002));
  lifter.SetLift(1.0);  // clamped to the stroke
  CHECK(lifter.lift_target() == 0.06);
  CHECK_THROWS_WITH(rig.amrs.at(1)->SetLift(0.05),
                    Contains("'plain' has no payload lift") && Contains("lift: true"));
}

TEST_CASE("Snapshot and restore continue a driving AMR bit-exactly", "[sim][diff_drive]") {
  Rig rig = Load(kOneAmr);
  rig.amrs.at(0)->SetVelocity(0.7, 0.3);
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
  // After a reset the odometry starts again from the true pose.
  rig.world.Reset();
  rig.world.Step(1);
  CHECK(std::abs(rig.amrs.at(0)->odometry().x) < 1e-3);
}

TEST_CASE("A site world comes with a drive for each AMR", "[sim][diff_drive]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("twin_diff_drive_" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "fleet.yaml";
  std::ofstream(file) << R"(
equipment:
  - {type: amr, name: amr1}
  - {type: amr, name: amr2, pose: {position: [0, 3, 0]}}
)";
  twin::sim::SiteWorld site = twin::sim::LoadSiteWorld(file.string(), {});
  fs::remove_all(dir);
  REQUIRE(site.amrs.size() == 2);
  CHECK(site.forklifts.empty());
  site.Amr("amr2").SetVelocity(0.5, 0);
  site.world.Step(1500);  // 3 s
  CHECK(Truth(site.world, site.world.BodyId("amr2")).x > 1.0);
  CHECK(std::abs(Truth(site.world, site.world.BodyId("amr1")).x) < 1e-3);
  CHECK_THROWS_WITH(site.Amr("amr3"), Contains("no AMR named 'amr3'") && Contains("amr1"));
  CHECK_THROWS_WITH(site.Forklift("amr1"),
                    Contains("no forklift named 'amr1'") && Contains("the site has none"));
}
