// Layouts with an arm and its grippers: what the builders write (checked in MuJoCo's compiled
// model against the UR5e datasheet) and how bad items are refused.
#include <twin/base/error.h>
#include <twin/scenes/scene.h>
#include <twin/sim/world.h>

#include <catch2/catch.hpp>

#include "error_message.h"

#include <cmath>
#include <numbers>
#include <string>

using Catch::Matchers::Contains;
using twin::scenes::LoadLayoutText;
using twin::sim::World;

namespace {

constexpr double kPi = std::numbers::pi;

const char* kCell = R"(site: {name: cell}
equipment:
  - {type: arm, name: robot, pedestal_height: 0.6, pose: {position: [1, 2, 0], yaw: 30}}
  - {type: suction_gripper, name: cup, parent: robot/flange, max_force: 200}
  - {type: arm, name: jaws_arm, pose: {position: [3, 0, 0]}}
  - {type: parallel_gripper, name: jaws, parent: jaws_arm/flange, stroke: 0.1, max_force: 80}
)";

twin::scenes::Scene Load(const std::string& text) {
  return LoadLayoutText(text, "cell.yaml", ".");
}

int Id(const mjModel* m, mjtObj type, const std::string& name) {
  const int id = mj_name2id(m, type, name.c_str());
  INFO(name);
  REQUIRE(id >= 0);
  return id;
}

std::string ItemError(const std::string& item) {
  return twin::testing::ErrorMessage([&] {
    Load("equipment:\n  - {type: arm, name: robot}\n  - {type: conveyor, name: conv}\n" + item);
  });
}

}  // namespace

TEST_CASE("An arm layout compiles to a UR5e with the datasheet's limits, masses and torques",
          "[scenes][arm]") {
  const twin::scenes::Scene scene = Load(kCell);
  REQUIRE(scene.site.arms.size() == 2);
  const twin::scenes::ArmSpec& arm = scene.site.arms[0];
  CHECK(arm.entity == "robot");
  CHECK(arm.joints[0] == "robot/joint1");
  CHECK(arm.actuators[5] == "robot/servo6");
  CHECK(arm.flange_site == "robot/flange");
  CHECK(arm.dh.a2 == -0.425);
  CHECK(arm.dh.d6 == 0.0996);
  CHECK(arm.base.position[2] == Approx(0.6));

  World world = World::FromScene(scene);
  const mjModel* m = world.model();
  CHECK(world.load_warnings().empty());
  // Joint limits +-360 deg, the elbow +-180 deg; MuJoCo stores radians.
  for (int k = 1; k <= 6; ++k) {
    const int joint = Id(m, mjOBJ_JOINT, "robot/joint" + std::to_string(k));
    const double limit = k == 3 ? kPi : 2 * kPi;
    CHECK(m->jnt_limited[joint]);
    CHECK(m->jnt_range[2 * joint] == Approx(-limit));
    CHECK(m->jnt_range[2 * joint + 1] == Approx(limit));
    const int servo = Id(m, mjOBJ_ACTUATOR, "robot/servo" + std::to_string(k));
    CHECK(m->actuator_trnid[2 * servo] == joint);
    CHECK(m->actuator_ctrlrange[2 * servo] == Approx(-limit));
    CHECK(m->actuator_ctrlrange[2 * servo + 1] == Approx(limit));
    CHECK(m->actuator_forcerange[2 * servo + 1] == Approx(k <= 3 ? 150 : 28));
  }
  // Link masses (kg), UR5e datasheet.
  const std::pair<const char*, double> masses[] = {{"shoulder", 3.761}, {"upper_arm", 8.058},
                                                   {"forearm", 2.846},  {"wrist1", 1.37},
                                                   {"wrist2", 1.3},     {"wrist3", 0.365}};
  for (const auto& [link, mass] : masses) {
    CHECK(m->body_mass[Id(m, mjOBJ_BODY, std::string("robot/") + link)] == Approx(mass));
  }
  // The arm starts at home: [0, -90, 90, -90, -90, 0] degrees.
  const double home[] = {0, -kPi / 2, kPi / 2, -kPi / 2, -kPi / 2, 0};
  for (int k = 0; k < 6; ++k) {
    const int joint = Id(m, mjOBJ_JOINT, "robot/joint" + std::to_string(k + 1));
    CHECK(world.data()->qpos[m->jnt_qposadr[joint]] == Approx(home[k]).margin(1e-12));
  }
}

TEST_CASE("Grippers nest on the flange and get their actuators", "[scenes][arm]") {
  const twin::scenes::Scene scene = Load(kCell);
  REQUIRE(scene.site.grippers.size() == 2);
  const twin::scenes::GripperSpec& cup = scene.site.grippers[0];
  CHECK(cup.kind == twin::scenes::GripperKind::kSuction);
  CHECK(cup.arm == "robot");
  CHECK(cup.tcp_site == "cup/tcp");
  CHECK(cup.tcp_in_flange.position[2] == Approx(0.12));  // the default tool length
  const twin::scenes::GripperSpec& jaws = scene.site.grippers[1];
  CHECK(jaws.kind == twin::scenes::GripperKind::kParallel);
  CHECK(jaws.arm == "jaws_arm");
  CHECK(jaws.stroke == 0.1);

  World world = World::FromScene(scene);
  const mjModel* m = world.model();
  // Mounted on the last link, so they move with it.
  CHECK(m->body_parentid[Id(m, mjOBJ_BODY, "cup")] == Id(m, mjOBJ_BODY, "robot/wrist3"));
  CHECK(m->body_parentid[Id(m, mjOBJ_BODY, "jaws")] == Id(m, mjOBJ_BODY, "jaws_arm/wrist3"));
  // Vacuum: an adhesion actuator on the cup body pulling with max_force at ctrl 1.
  const int vacuum = Id(m, mjOBJ_ACTUATOR, "cup/vacuum");
  CHECK(m->actuator_trntype[vacuum] == mjTRN_BODY);
  CHECK(m->actuator_trnid[2 * vacuum] == Id(m, mjOBJ_BODY, "cup/cup"));
  CHECK(m->actuator_gainprm[vacuum * mjNGAIN] == Approx(200));
  CHECK(m->actuator_ctrlrange[2 * vacuum + 1] == Approx(1));
  // Jaws: one servo on the opening tendon, force-limited to the rated grip force.
  const int fingers = Id(m, mjOBJ_ACTUATOR, "jaws/fingers");
  CHECK(m->actuator_trntype[fingers] == mjTRN_TENDON);
  CHECK(m->actuator_forcerange[2 * fingers + 1] == Approx(80));
  CHECK(m->actuator_ctrlrange[2 * fingers + 1] == Approx(0.1));
  // Both tcp sites sit where the specs say, relative to the flanges.
  mj_forward(m, world.data());
  for (const auto& gripper : scene.site.grippers) {
    const int flange = Id(m, mjOBJ_SITE, gripper.arm + "/flange");
    const int tcp = Id(m, mjOBJ_SITE, gripper.tcp_site);
    const mjtNum* f = world.data()->site_xpos + 3 * flange;
    const mjtNum* t = world.data()->site_xpos + 3 * tcp;
    const double distance = std::hypot(t[0] - f[0], t[1] - f[1], t[2] - f[2]);
    CHECK(distance == Approx(gripper.tcp_in_flange.position[2]));
  }
}

TEST_CASE("Arm parameters override the UR5e defaults", "[scenes][arm]") {
  const twin::scenes::Scene scene = Load(R"(equipment:
  - type: arm
    name: big
    d1: 0.18
    a2: -0.6
    a3: -0.57
    d4: 0.17
    d5: 0.12
    d6: 0.116
    kp: [3000, 3000, 2500, 600, 600, 600]
    kv: 50
    home: [10, -80, 70, -80, -90, 5]
)");
  const twin::scenes::ArmSpec& arm = scene.site.arms.at(0);
  CHECK(arm.dh.d1 == 0.18);
  CHECK(arm.dh.a3 == -0.57);
  CHECK(arm.dh.d6 == 0.116);
  CHECK(arm.kp[2] == 2500);
  CHECK(arm.kv[4] == 50);
  CHECK(arm.home[0] == Approx(10 * kPi / 180));
  World world = World::FromScene(scene);
  const mjModel* m = world.model();
  const int servo = Id(m, mjOBJ_ACTUATOR, "big/servo3");
  CHECK(m->actuator_gainprm[servo * mjNGAIN] == 2500);
  CHECK(m->actuator_biasprm[servo * mjNBIAS + 2] == -50);
}

TEST_CASE("Bad arm and gripper items are refused with the file, line and key", "[scenes][arm]") {
  CHECK_THAT(ItemError("  - {type: arm, name: r2, pedestal_hieght: 0.5}"),
             Contains("cell.yaml:4:") && Contains("unknown key 'pedestal_hieght'") &&
                 Contains("did you mean 'pedestal_height'"));
  CHECK_THAT(ItemError("  - {type: arm, name: r2, d4: -0.13}"),
             Contains("cell.yaml:4:") && Contains("d4: must be > 0"));
  CHECK_THAT(ItemError("  - {type: arm, name: r2, a2: 0.425}"),
             Contains("a2: must be < 0") && Contains("did you mean -0.425"));
  CHECK_THAT(ItemError("  - {type: arm, name: r2, home: [0, 0, 0]}"),
             Contains("home: expected 6 joint angles"));
  CHECK_THAT(ItemError("  - {type: arm, name: r2, home: [0, 0, 200, 0, 0, 0]}"),
             Contains("joint3 at 200 deg is outside its limits [-180, 180]"));
  CHECK_THAT(ItemError("  - {type: arm, name: r2, kp: [1, 2]}"),
             Contains("kp: expected one number for all joints or a list of 6"));
  CHECK_THAT(ItemError("  - {type: arm, name: r2, kv: -1}"), Contains("kv: must be >= 0"));
  // A gripper goes on a flange, nowhere else.
  CHECK_THAT(ItemError("  - {type: suction_gripper, name: g, parent: conv}"),
             Contains("cell.yaml:4:") &&
                 Contains("parent: a suction_gripper goes on an arm's "
                          "tool flange, and 'conv' is not one") &&
                 Contains("set parent: to one of robot/flange"));
  CHECK_THAT(ItemError("  - {type: parallel_gripper, name: g}"),
             Contains("has no parent") && Contains("robot/flange"));
  CHECK_THAT(ItemError("  - {type: suction_gripper, name: g, parent: robot/flange, cup_raduis: 1}"),
             Contains("unknown key 'cup_raduis'") && Contains("did you mean 'cup_radius'"));
  CHECK_THAT(ItemError("  - {type: parallel_gripper, name: g, parent: robot/flange, stroke: 0}"),
             Contains("stroke: must be in [0.005, 0.5]"));
}
