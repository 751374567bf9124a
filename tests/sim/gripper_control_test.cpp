// Grippers in MuJoCo: a suction cup picks a carton off a conveyor at 0.8 m, carries it and drops
// it on a pallet; parallel jaws close on a box and lift it. The arm moves by inverse kinematics
// of the tool frame, as a palletizing cell's controller would drive it; what the tests check is
// where MuJoCo put the carton.
#include <twin/base/error.h>
#include <twin/scenes/scene.h>
#include <twin/sim/site_world.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

using Catch::Matchers::Contains;
using twin::scenes::Pose;
using twin::scenes::Vec3;
using twin::sim::ArmController;
using twin::sim::GripperControl;

namespace {

// A UR5e on a 0.8 m pedestal between an infeed conveyor (belt at 0.8 m, stopped) with a 3 kg
// carton on it and a EUR pallet on the floor.
const char* kPalletizing = R"(site: {name: palletizing}
equipment:
  - {type: arm, name: robot, pedestal_height: 0.8}
  - {type: suction_gripper, name: cup, parent: robot/flange}
  - {type: conveyor, name: infeed, length: 1.6, speed: 0, pose: {position: [-0.55, 0, 0], yaw: 90}}
  - {type: carton, name: box1, parent: infeed, size: [0.3, 0.25, 0.2], mass: 3}
  - {type: pallet, name: pallet, pose: {position: [0.3, 0.85, 0], yaw: 90}}
)";

// A UR5e on a 0.3 m pedestal with parallel jaws, a 0.4 m table and a small box standing on it.
const char* kBench = R"(equipment:
  - {type: arm, name: robot, pedestal_height: 0.3}
  - {type: parallel_gripper, name: jaws, parent: robot/flange}
  - {type: obstacle, name: table, size: [0.4, 0.4, 0.4], pose: {position: [-0.5, 0, 0]}}
  - {type: carton, name: box, parent: table, size: [0.05, 0.05, 0.12], mass: 0.3}
)";

twin::sim::SiteWorld Make(const char* layout) {
  return twin::sim::MakeSiteWorld(twin::scenes::LoadLayoutText(layout, "cell.yaml", "."), {});
}

// The carton's body origin (centre of its bottom face) in the world.
Vec3 CartonPosition(twin::sim::SiteWorld& sw, const std::string& carton) {
  const auto q = sw.world.JointQpos(sw.world.JointId(carton + "/free"));
  return {q[0], q[1], q[2]};
}

// The centre of the carton's top face, `height` above its origin along its own z axis.
Vec3 CartonTop(twin::sim::SiteWorld& sw, const std::string& carton, double height) {
  const int body = sw.world.BodyId(carton);
  const mjtNum* x = sw.world.data()->xpos + 3 * body;
  const mjtNum* r = sw.world.data()->xmat + 9 * body;
  return {x[0] + r[2] * height, x[1] + r[5] * height, x[2] + r[8] * height};
}

double Distance(const Vec3& a, const Vec3& b) {
  return std::hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

// Moves the gripper's tcp to `target` (pointing down) in `seconds`, calling `each_step` after
// every step, then lets the arm settle for 0.2 s.
template <typename Check>
void MoveTcp(twin::sim::SiteWorld& sw, const std::string& gripper, const Vec3& target,
             double seconds, Check each_step) {
  GripperControl& tool = sw.Gripper(gripper);
  ArmController& arm = sw.Arm(tool.spec().arm);
  const auto q = arm.kinematics().Inverse(twin::sim::ToolDownPose(target, 0), arm.reference(),
                                          tool.spec().tcp_in_flange);
  INFO("tcp target " << target[0] << " " << target[1] << " " << target[2]);
  REQUIRE(q);
  arm.MoveTo(*q, seconds);
  while (!arm.done()) {
    REQUIRE(sw.world.Step(1) == 1);
    each_step();
  }
  sw.world.Step(100);
}

void MoveTcp(twin::sim::SiteWorld& sw, const std::string& gripper, const Vec3& target,
             double seconds) {
  MoveTcp(sw, gripper, target, seconds, [] {});
}

}  // namespace

TEST_CASE("Suction picks a carton off a conveyor, carries it and drops it on a pallet",
          "[sim][gripper]") {
  twin::sim::SiteWorld sw = Make(kPalletizing);
  GripperControl& cup = sw.Gripper("cup");
  const int carton = sw.world.BodyId("box1");
  const Vec3 start = CartonPosition(sw, "box1");
  REQUIRE(start[2] == Approx(0.8));
  const double top = start[2] + 0.2;

  // Above the carton, then vacuum on and down to 2 mm above its top: the cup draws it in.
  MoveTcp(sw, "cup", {start[0], start[1], top + 0.1}, 2.0);
  CHECK_FALSE(cup.Holding(sw.world));
  cup.SetVacuum(true);
  MoveTcp(sw, "cup", {start[0], start[1], top + 0.002}, 1.0);
  CHECK(cup.HeldBody(sw.world) == carton);
  // The controller is told about the load (its centre is 0.1 m below the cup face), as a UR
  // controller's payload setting is, so the arm does not sag under it.
  ArmController& arm = sw.Arm("robot");
  arm.SetPayload(3.0, {0, 0, cup.spec().tcp_in_flange.position[2] + 0.1});

  // Lifted 0.2 m with the arm: the tcp is where it was sent, the carton with it.
  const Vec3 lift{start[0], start[1], top + 0.2};
  MoveTcp(sw, "cup", lift, 1.0);
  CHECK(Distance(cup.TcpPose(sw.world).position, lift) < 0.001);
  CHECK(CartonPosition(sw, "box1")[2] == Approx(start[2] + 0.2).margin(0.01));
  CHECK(cup.HeldBody(sw.world) == carton);

  // Carried over the pallet: turned at height, then lowered to 5 cm above it (a joint-space
  // move straight from the conveyor would sweep the carton through the conveyor). The carton
  // stays on the cup all the way.
  const Vec3 drop{0.3, 0.55, 0.144};
  double worst_slip = 0;
  auto track_slip = [&] {
    worst_slip =
        std::max(worst_slip, Distance(cup.TcpPose(sw.world).position, CartonTop(sw, "box1", 0.2)));
  };
  MoveTcp(sw, "cup", {drop[0], drop[1], top + 0.1}, 2.5, track_slip);
  MoveTcp(sw, "cup", {drop[0], drop[1], drop[2] + 0.2 + 0.05}, 1.5, track_slip);
  // MuJoCo's soft contact lets the carton creep across the pad during fast moves (about 8 mm
  // over this carry); it never comes loose.
  INFO("worst distance between the cup and the carton's top " << worst_slip << " m");
  CHECK(worst_slip < 0.015);
  CHECK(cup.HeldBody(sw.world) == carton);

  // Vacuum off: it drops the last 5 cm onto the pallet and rests there.
  cup.SetVacuum(false);
  arm.SetPayload(0, {});
  CHECK_FALSE(cup.Holding(sw.world));
  sw.world.Step(500);
  const Vec3 placed = CartonPosition(sw, "box1");
  CHECK(placed[2] == Approx(drop[2]).margin(0.005));
  CHECK(std::hypot(placed[0] - drop[0], placed[1] - drop[1]) < 0.02);
  const auto velocity = sw.world.JointQvel(sw.world.JointId("box1/free"));
  CHECK(std::hypot(velocity[0], velocity[1], velocity[2]) < 0.01);
  CHECK(sw.world.anomalies().empty());
}

TEST_CASE("Suction without vacuum does not lift the carton", "[sim][gripper]") {
  twin::sim::SiteWorld sw = Make(kPalletizing);
  const Vec3 start = CartonPosition(sw, "box1");
  const double top = start[2] + 0.2;
  MoveTcp(sw, "cup", {start[0], start[1], top + 0.1}, 2.0);
  MoveTcp(sw, "cup", {start[0], start[1], top + 0.002}, 1.0);
  MoveTcp(sw, "cup", {start[0], start[1], top + 0.2}, 1.0);
  CHECK(CartonPosition(sw, "box1")[2] == Approx(start[2]).margin(0.002));
  CHECK_FALSE(sw.Gripper("cup").Holding(sw.world));
}

TEST_CASE("Parallel jaws close on a box and lift it", "[sim][gripper]") {
  twin::sim::SiteWorld sw = Make(kBench);
  GripperControl& jaws = sw.Gripper("jaws");
  const int box = sw.world.BodyId("box");
  const Vec3 start = CartonPosition(sw, "box");
  REQUIRE(start[2] == Approx(0.4));
  CHECK(jaws.Opening(sw.world) == Approx(0.085).margin(1e-3));  // starts open

  // The pads reach 5 cm down from the tcp's 2.5 cm above it: put the tcp 2 cm below the box's top
  // so the pads cover its upper part and the palm stays clear of it.
  const Vec3 grasp{start[0], start[1], start[2] + 0.12 - 0.02};
  MoveTcp(sw, "jaws", {grasp[0], grasp[1], grasp[2] + 0.15}, 2.0);
  MoveTcp(sw, "jaws", grasp, 1.0);
  CHECK_FALSE(jaws.Holding(sw.world));
  jaws.Close();
  sw.world.Step(300);
  CHECK(jaws.HeldBody(sw.world) == box);
  // Stopped by the box, which the 40 N squeeze dents by about a millimetre per side.
  CHECK(jaws.Opening(sw.world) == Approx(0.05).margin(0.003));

  MoveTcp(sw, "jaws", {grasp[0], grasp[1], grasp[2] + 0.2}, 1.0);
  const Vec3 lifted = CartonPosition(sw, "box");
  CHECK(lifted[2] == Approx(start[2] + 0.2).margin(0.01));
  CHECK(jaws.HeldBody(sw.world) == box);
  // Still held a second later. MuJoCo's soft friction lets it creep down the pads (about
  // 2 mm/s here), so this allows 5 mm.
  sw.world.Step(500);
  CHECK(CartonPosition(sw, "box")[2] == Approx(lifted[2]).margin(0.005));
  CHECK(jaws.HeldBody(sw.world) == box);

  // Opened, it falls back onto the table.
  jaws.Open();
  sw.world.Step(500);
  CHECK(CartonPosition(sw, "box")[2] == Approx(start[2]).margin(0.005));
  CHECK_FALSE(jaws.Holding(sw.world));
  CHECK(sw.world.anomalies().empty());
}

TEST_CASE("Gripper commands are checked against the gripper's kind and stroke", "[sim][gripper]") {
  twin::sim::SiteWorld cell = Make(kPalletizing);
  CHECK_THROWS_WITH(cell.Gripper("cup").Close(),
                    Contains("cup is a suction gripper; opening and closing is for a parallel"));
  twin::sim::SiteWorld bench = Make(kBench);
  CHECK_THROWS_WITH(bench.Gripper("jaws").SetVacuum(true),
                    Contains("jaws is a parallel gripper; vacuum on/off is for a suction"));
  CHECK_THROWS_WITH(bench.Gripper("jaws").SetOpening(0.2),
                    Contains("the opening must be in [0, 0.085"));
  CHECK_THROWS_WITH(bench.Gripper("jaw"), Contains("no gripper named 'jaw'") && Contains("'jaws'"));
}
