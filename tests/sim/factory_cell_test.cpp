// The built-in factory cell twin and its palletize autopilot: what the tests check is where MuJoCo
// put the cartons (body poses from mjData), never what the autopilot says it did.
#include <twin/base/error.h>
#include <twin/scenes/scene.h>
#include <twin/sim/site_world.h>

#include <catch2/catch.hpp>

#include "process.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <fstream>
#include <memory>
#include <numbers>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <vector>

using Catch::Matchers::Contains;

namespace {

constexpr double kPi = std::numbers::pi;
const std::string kCell = std::string(TWIN_TWINS_DIR) + "/factory_cell.yaml";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The factory cell's layout with its autopilot section replaced by `autopilot` (a YAML block).
std::string CellWithAutopilot(const std::string& autopilot) {
  const std::string layout = ReadFile(kCell);
  const size_t at = layout.find("autopilot:");
  REQUIRE(at != std::string::npos);
  return layout.substr(0, at) + autopilot;
}

twin::sim::SiteWorld LoadText(const std::string& text) {
  return twin::sim::MakeSiteWorld(twin::scenes::LoadLayoutText(text, "cell.yaml", TWIN_TWINS_DIR),
                                  {});
}

double Yaw(const mjtNum* xmat) {
  return std::atan2(xmat[3], xmat[0]);
}

}  // namespace

// The acceptance test of issue 4 (alone: sim_test "[palletize-10min]").
TEST_CASE("factory_cell: in 10 simulated minutes at least 20 cartons are palletized in pattern",
          "[sim][autopilot][factory_cell][palletize-10min]") {
  twin::sim::SiteWorld sw = twin::sim::LoadSiteWorld(kCell, {});
  REQUIRE(sw.autopilot);
  const auto wall_start = std::chrono::steady_clock::now();
  // Second by second, watching the wrist: joint 6 turns +-360 deg, and an autopilot that winds
  // it up cycle after cycle ends up flipping the whole arm when it reaches the limit.
  const int64_t steps_per_second = std::llround(1.0 / sw.world.timestep());
  const twin::sim::ArmController& arm = sw.Arm("robot");
  double wrist = 0;
  for (int second = 0; second < 600; ++second) {
    REQUIRE(sw.world.Step(steps_per_second) == steps_per_second);
    wrist = std::max(wrist, std::abs(arm.Positions(sw.world)[5]));
  }
  const int64_t steps = 600 * steps_per_second;
  CHECK(wrist < kPi);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  WARN("10 simulated minutes in " << wall << " s (" << steps / wall
                                  << " steps/s); autopilot: " << sw.autopilot->Status()
                                  << "; joint 6 within +-" << wrist * 180 / kPi << " deg");
  CHECK_FALSE(sw.world.diverged());
  CHECK(sw.world.anomalies().empty());

  // The pattern as the layout gives it, worked out here from the pallet's pose in mjData.
  const twin::scenes::Site& site = sw.scene.site;
  const twin::scenes::Entity& pallet = *site.FindEntity("pallet");
  const mjData* d = sw.world.data();
  const int pallet_body = sw.world.BodyId("pallet");
  const mjtNum* pallet_x = d->xpos + 3 * pallet_body;
  const mjtNum* pallet_r = d->xmat + 9 * pallet_body;
  const double deck = pallet.parameters.at("height");
  const int columns = 3, rows = 2, layers = 4;
  const double gap = 0.03;

  int on_pallet = 0;
  std::set<std::array<int, 3>> taken;
  for (const twin::scenes::Entity& carton : site.entities) {
    if (carton.parent != "feeder") continue;
    const int body = sw.world.BodyId(carton.name);
    const mjtNum* x = d->xpos + 3 * body;
    if (std::abs(x[0]) > 100) continue;  // still parked in the pool
    INFO(carton.name << " at " << x[0] << " " << x[1] << " " << x[2]);
    // None on the floor: every carton in the scene rests on the belt (0.7 m) or on the pallet.
    CHECK(x[2] > deck - 0.01);
    // In the pallet's frame.
    const double dx = x[0] - pallet_x[0], dy = x[1] - pallet_x[1], dz = x[2] - pallet_x[2];
    const double px = pallet_r[0] * dx + pallet_r[3] * dy + pallet_r[6] * dz;
    const double py = pallet_r[1] * dx + pallet_r[4] * dy + pallet_r[7] * dz;
    const double pz = pallet_r[2] * dx + pallet_r[5] * dy + pallet_r[8] * dz;
    if (std::abs(px) > 0.6 || std::abs(py) > 0.4) continue;  // not over the pallet
    const double sx = carton.parameters.at("size_x"), sy = carton.parameters.at("size_y");
    const double sz = carton.parameters.at("size_z");
    const double pitch_x = sx + gap, pitch_y = sy + gap;
    const int c = static_cast<int>(std::lround(px / pitch_x + (columns - 1) / 2.0));
    const int r = static_cast<int>(std::lround(py / pitch_y + (rows - 1) / 2.0));
    const int l = static_cast<int>(std::lround((pz - deck) / sz));
    REQUIRE(c >= 0);
    REQUIRE(c < columns);
    REQUIRE(r >= 0);
    REQUIRE(r < rows);
    REQUIRE(l >= 0);
    REQUIRE(l < layers);
    const double slot_x = (c - (columns - 1) / 2.0) * pitch_x;
    const double slot_y = (r - (rows - 1) / 2.0) * pitch_y;
    const double slot_z = deck + l * sz;
    const double error = std::hypot(px - slot_x, py - slot_y, pz - slot_z);
    // Yaw against the pallet's, modulo a half turn (a carton looks the same turned round).
    const double yaw = std::remainder(Yaw(d->xmat + 9 * body) - Yaw(pallet_r), kPi);
    INFO("slot (" << c << ", " << r << ", " << l << "): off by " << error << " m, "
                  << yaw * 180 / kPi << " deg");
    CHECK(error < 0.02);
    CHECK(std::abs(yaw) < 5 * kPi / 180);
    // Upright and at rest.
    CHECK(d->xmat[9 * body + 8] > std::cos(5 * kPi / 180));
    CHECK(taken.insert({c, r, l}).second);
    ++on_pallet;
  }
  CHECK(on_pallet >= 20);
  CHECK_THAT(sw.autopilot->Status(),
             Contains("palletized " + std::to_string(on_pallet) + " of 24"));
}

TEST_CASE("factory_cell runs 60 s with no divergence, and twin check passes it",
          "[sim][autopilot][factory_cell]") {
  twin::sim::SiteWorld sw = twin::sim::LoadSiteWorld(kCell, {});
  const int64_t steps = std::llround(60.0 / sw.world.timestep());
  REQUIRE(sw.world.Step(steps) == steps);
  CHECK_FALSE(sw.world.diverged());
  CHECK(sw.world.anomalies().empty());
  CHECK(sw.autopilot->Status().find("stopped") == std::string::npos);

  const twin::testing::ProcessResult r = twin::testing::RunProcess({TWIN_BINARY, "check", kCell});
  INFO("stdout: " << r.out);
  INFO("stderr: " << r.err);
  CHECK(r.signal == 0);
  CHECK(r.exit_code == 0);
}

TEST_CASE("palletize parameters are checked with the layout's file and line",
          "[sim][autopilot][factory_cell]") {
  const std::string base =
      "autopilot:\n  type: palletize\n  gripper: cup\n  conveyor: infeed\n"
      "  beam_break: gate\n  pallet: pallet\n";
  SECTION("an unknown autopilot type") {
    CHECK_THROWS_WITH(LoadText(CellWithAutopilot("autopilot: {type: palletise, arm: robot}\n")),
                      Contains("cell.yaml:") && Contains("unknown autopilot type 'palletise'") &&
                          Contains("did you mean 'palletize'"));
  }
  SECTION("an unknown key") {
    CHECK_THROWS_WITH(
        LoadText(CellWithAutopilot(base + "  arm: robot\n  pattern: [3, 2, 4]\n  gaps: 0.02\n")),
        Contains("cell.yaml:") && Contains("unknown key 'gaps'") && Contains("did you mean 'gap'"));
  }
  SECTION("a missing arm") {
    CHECK_THROWS_WITH(LoadText(CellWithAutopilot(base + "  arm: robt\n  pattern: [3, 2, 4]\n")),
                      Contains("cell.yaml:") && Contains("no arm named 'robt'") &&
                          Contains("did you mean 'robot'"));
  }
  SECTION("a pattern that does not fit the pallet") {
    CHECK_THROWS_WITH(LoadText(CellWithAutopilot(base + "  arm: robot\n  pattern: [5, 2, 4]\n")),
                      Contains("cell.yaml:") && Contains("autopilot.pattern") &&
                          Contains("5 x 2 cartons") &&
                          Contains("the pallet 'pallet' is 1.2 x 0.8"));
  }
  SECTION("a stack too high to reach") {
    CHECK_THROWS_WITH(LoadText(CellWithAutopilot(base + "  arm: robot\n  pattern: [3, 2, 9]\n")),
                      Contains("cell.yaml:") && Contains("out of the reach of 'robot'"));
  }
  SECTION("no pattern") {
    CHECK_THROWS_WITH(LoadText(CellWithAutopilot(base + "  arm: robot\n")),
                      Contains("cell.yaml:") && Contains("needs the key 'pattern'"));
  }
}

namespace {

// The factory cell with a log that keeps its lines, stepped to `time`.
struct Cell {
  std::shared_ptr<std::vector<std::string>> log = std::make_shared<std::vector<std::string>>();
  twin::sim::SiteWorld sw;

  Cell()
      : sw(twin::sim::MakeSiteWorld(
            twin::scenes::LoadScene(kCell),
            {.log = [lines = log](const std::string& line) { lines->push_back(line); }})) {}

  void StepTo(double time) {
    const int64_t steps = std::llround((time - sw.world.time()) / sw.world.timestep());
    REQUIRE(sw.world.Step(steps) == steps);
  }

  // The first carton the feeder has put on the belt (the pool parks the others far away).
  int FirstCarton() const {
    for (const twin::scenes::Entity& e : sw.scene.site.entities) {
      if (e.parent != "feeder") continue;
      const int body = sw.world.BodyId(e.name);
      if (std::abs(sw.world.data()->xpos[3 * body]) < 100) return body;
    }
    FAIL("no carton on the belt");
    return -1;
  }

  // Puts the carton `body` at `position` turned by the quaternion `quat`, at rest.
  void Place(int body, const std::array<double, 3>& position, const std::array<double, 4>& quat) {
    const mjModel* m = sw.world.model();
    const int joint = m->body_jntadr[body];
    REQUIRE(m->jnt_type[joint] == mjJNT_FREE);
    std::span<mjtNum> q = sw.world.JointQpos(joint);
    for (int i = 0; i < 3; ++i) q[i] = position[i];
    for (int i = 0; i < 4; ++i) q[3 + i] = quat[i];
    for (mjtNum& v : sw.world.JointQvel(joint)) v = 0;
  }

  bool Logged(const std::string& text) const {
    for (const std::string& line : *log) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  }
};

}  // namespace

// Robustness: a carton that the belt cannot bring onto the pick point (here shoved 12 cm across
// the belt, out of the pick radius) is picked where it lies instead of stalling the cell.
TEST_CASE("factory_cell: a carton shoved off the pick point is picked where it lies",
          "[sim][autopilot][factory_cell]") {
  Cell cell;
  cell.StepTo(2);
  const int carton = cell.FirstCarton();
  const mjtNum* x = cell.sw.world.data()->xpos + 3 * carton;
  const mjtNum* quat = cell.sw.world.data()->xquat + 4 * carton;
  cell.Place(carton, {x[0] + 0.12, x[1], x[2] + 0.002}, {quat[0], quat[1], quat[2], quat[3]});
  cell.StepTo(40);
  INFO("autopilot: " << cell.sw.autopilot->Status());
  CHECK_THAT(cell.sw.autopilot->Status(), Contains("1 picked off the pick point"));
  CHECK(cell.sw.autopilot->Status().find("palletized 0 of") == std::string::npos);
  // On the pallet (its deck is 0.144 m high), upright.
  const int pallet = cell.sw.world.BodyId("pallet");
  const mjData* d = cell.sw.world.data();
  CHECK(std::abs(x[0] - d->xpos[3 * pallet]) < 0.6);
  CHECK(std::abs(x[1] - d->xpos[3 * pallet + 1]) < 0.4);
  CHECK(x[2] > d->xpos[3 * pallet + 2] + 0.1);
  CHECK(x[2] < 0.3);
  CHECK(d->xmat[9 * carton + 8] > std::cos(5 * kPi / 180));
  CHECK(std::abs(std::remainder(Yaw(d->xmat + 9 * carton) - Yaw(d->xmat + 9 * pallet), kPi)) <
        5 * kPi / 180);
  CHECK(cell.sw.world.anomalies().empty());
}

// Robustness: a carton that cannot be picked (lying on its side at the end stop) stops the belt
// and is reported as a jam, in the status and in the log, rather than a silent stall; once it is
// taken away the cell goes on with the next carton.
TEST_CASE("factory_cell: a carton on its side jams the cell, which goes on once it is cleared",
          "[sim][autopilot][factory_cell]") {
  Cell cell;
  cell.StepTo(2);
  const int carton = cell.FirstCarton();
  const mjtNum* x = cell.sw.world.data()->xpos + 3 * carton;
  // A quarter turn about the belt's direction (world y: the carton's long side lies along it),
  // its origin (the centre of its bottom face) now on a side, 0.1 m up.
  cell.Place(carton, {x[0] - 0.075, x[1], x[2] + 0.105}, {0.5, 0.5, 0.5, 0.5});
  cell.StepTo(30);
  INFO("autopilot: " << cell.sw.autopilot->Status());
  CHECK_THAT(cell.sw.autopilot->Status(), Contains("palletized 0 of 24") &&
                                              Contains("jammed: a carton at") &&
                                              Contains("tilted 90 deg"));
  CHECK(cell.Logged("autopilot palletize: jammed at t = "));
  CHECK(cell.sw.conveyors->speed("infeed") == 0);
  CHECK(cell.sw.autopilot->Status().find("stopped") == std::string::npos);

  // Taken off the belt (onto the floor beside the cell): the belt brings the next carton on.
  cell.Place(carton, {2, -2, 0.001}, {1, 0, 0, 0});
  cell.StepTo(70);
  INFO("autopilot: " << cell.sw.autopilot->Status());
  CHECK(cell.Logged("autopilot palletize: jam cleared"));
  CHECK_THAT(cell.sw.autopilot->Status(), Contains("1 jams"));
  CHECK(cell.sw.autopilot->Status().find("palletized 0 of") == std::string::npos);
  CHECK(cell.sw.autopilot->Status().find("jammed:") == std::string::npos);
  CHECK(cell.sw.world.anomalies().empty());
}
