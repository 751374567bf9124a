// The arm controller in MuJoCo: trajectory tracking, holding against gravity, reaching an IK
// target (checked on MuJoCo's own tcp site) and refusing bad commands.
#include <twin/base/error.h>
#include <twin/scenes/scene.h>
#include <twin/sim/site_world.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

using Catch::Matchers::Contains;
using twin::sim::ArmController;
using twin::sim::JointTrajectory;
using twin::sim::JointVector;
using twin::sim::TrajectoryPoint;

namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kDeg = kPi / 180;

// A UR5e on a 0.6 m pedestal with a suction gripper (its mass is part of the arm's load).
const char* kCell = R"(equipment:
  - {type: arm, name: robot, pedestal_height: 0.6, pose: {position: [0.5, -0.3, 0], yaw: 20}}
  - {type: suction_gripper, name: cup, parent: robot/flange}
)";

twin::sim::SiteWorld MakeCell() {
  return twin::sim::MakeSiteWorld(twin::scenes::LoadLayoutText(kCell, "cell.yaml", "."), {});
}

TrajectoryPoint Waypoint(double time, const JointVector& degrees) {
  TrajectoryPoint p;
  p.time = time;
  for (double d : degrees) p.positions.push_back(d * kDeg);
  return p;
}

double WorstError(const JointVector& a, const std::vector<double>& b) {
  double worst = 0;
  for (int k = 0; k < 6; ++k) worst = std::max(worst, std::abs(a[k] - b[k]));
  return worst;
}

void StepFor(twin::sim::SiteWorld& sw, double seconds) {
  sw.world.Step(static_cast<int64_t>(std::llround(seconds / sw.world.timestep())));
}

}  // namespace

TEST_CASE("The arm tracks a multi-waypoint trajectory within 1 degree on every joint",
          "[sim][arm]") {
  twin::sim::SiteWorld sw = MakeCell();
  ArmController& arm = sw.Arm("robot");
  // Large moves on all six joints, up to about 140 deg/s (a UR5e joint allows 180 deg/s).
  const JointTrajectory trajectory(
      {Waypoint(0, {0, -90, 90, -90, -90, 0}), Waypoint(1.2, {40, -70, 60, -110, -60, 30}),
       Waypoint(2.2, {-30, -110, 120, -60, -120, -45}), Waypoint(3.5, {90, -60, 40, -120, -90, 90}),
       Waypoint(4.5, {0, -90, 90, -90, -90, 0})});
  const double start = sw.world.time();
  arm.Follow(trajectory);
  double worst = 0;
  int waypoints_passed = 0;
  while (!arm.done()) {
    REQUIRE(sw.world.Step(1) == 1);
    const double t = sw.world.time() - start;
    const JointVector q = arm.Positions(sw.world);
    if (t > 0.1) worst = std::max(worst, WorstError(q, trajectory.Sample(t).position));
    for (const TrajectoryPoint& p : trajectory.points()) {
      if (std::abs(t - p.time) < sw.world.timestep() / 2) {
        CHECK(WorstError(q, p.positions) < 1 * kDeg);
        ++waypoints_passed;
      }
    }
  }
  INFO("worst tracking error " << worst / kDeg << " deg");
  CHECK(worst < 1 * kDeg);
  CHECK(waypoints_passed == 4);  // the one at t = 0 is before the first step
  CHECK(sw.world.time() - start == Approx(4.5).margin(3 * sw.world.timestep()));
  // Then it settles on the last waypoint.
  StepFor(sw, 0.5);
  CHECK(WorstError(arm.Positions(sw.world), trajectory.points().back().positions) < 0.05 * kDeg);
  CHECK(sw.world.anomalies().empty());
}

TEST_CASE("Gravity compensation holds the arm where plain servos would sag", "[sim][arm]") {
  const std::vector<double> home{0, -kPi / 2, kPi / 2, -kPi / 2, -kPi / 2, 0};
  twin::sim::SiteWorld compensated = MakeCell();
  StepFor(compensated, 2.0);
  CHECK(WorstError(compensated.Arm("robot").Positions(compensated.world), home) < 0.01 * kDeg);

  // Without the feedforward, the servos give way by torque / kp: the shoulder carries the
  // forearm, wrists and gripper held out horizontally.
  twin::sim::SiteWorld plain = MakeCell();
  plain.Arm("robot").set_feedforward(false);
  StepFor(plain, 2.0);
  const JointVector q = plain.Arm("robot").Positions(plain.world);
  CHECK(std::abs(q[1] - home[1]) > 0.2 * kDeg);
}

TEST_CASE("The arm reaches an inverse-kinematics target with its tool", "[sim][arm]") {
  twin::sim::SiteWorld sw = MakeCell();
  ArmController& arm = sw.Arm("robot");
  const twin::scenes::GripperSpec& cup = sw.Gripper("cup").spec();
  // A point 0.55 m out from the base, 0.8 m above the floor, cup pointing down.
  const twin::scenes::Pose base = arm.kinematics().base();
  const twin::scenes::Vec3 out = twin::scenes::Rotate(base.orientation, {-0.55, -0.1, 0});
  const twin::scenes::Pose target =
      twin::sim::ToolDownPose({base.position[0] + out[0], base.position[1] + out[1], 0.8}, 0.3);
  const auto q = arm.kinematics().Inverse(target, arm.reference(), cup.tcp_in_flange);
  REQUIRE(q);
  arm.MoveTo(*q, 1.5);
  while (!arm.done()) sw.world.Step(1);
  StepFor(sw, 0.3);
  // MuJoCo's tcp site is where IK aimed it.
  const twin::scenes::Pose tcp = sw.Gripper("cup").TcpPose(sw.world);
  CHECK(std::hypot(tcp.position[0] - target.position[0], tcp.position[1] - target.position[1],
                   tcp.position[2] - target.position[2]) < 0.001);
  const twin::scenes::Vec3 z = twin::scenes::Rotate(tcp.orientation, {0, 0, 1});
  CHECK(z[2] == Approx(-1).margin(1e-3));
}

TEST_CASE("After a world reset the arm holds its home pose", "[sim][arm]") {
  twin::sim::SiteWorld sw = MakeCell();
  ArmController& arm = sw.Arm("robot");
  arm.MoveTo({1, -1, 1, -1, -1, 1}, 1.0);
  StepFor(sw, 0.5);
  sw.world.Reset();
  StepFor(sw, 1.0);
  CHECK(arm.done());
  CHECK(WorstError(arm.Positions(sw.world), {0, -kPi / 2, kPi / 2, -kPi / 2, -kPi / 2, 0}) <
        0.01 * kDeg);
  // A move given right after a reset starts from the reset pose and gets there.
  arm.MoveTo({0.5, -1.2, 1.2, -1.5, -1.5, 0.5}, 1.0);
  sw.world.Reset();
  StepFor(sw, 0.1);
  CHECK(WorstError(arm.Positions(sw.world), {0, -kPi / 2, kPi / 2, -kPi / 2, -kPi / 2, 0}) <
        2 * kDeg);
  StepFor(sw, 1.2);
  CHECK(arm.done());
  CHECK(WorstError(arm.Positions(sw.world), {0.5, -1.2, 1.2, -1.5, -1.5, 0.5}) < 0.01 * kDeg);
}

TEST_CASE("Bad arm commands are refused with the joint and its limits", "[sim][arm]") {
  twin::sim::SiteWorld sw = MakeCell();
  ArmController& arm = sw.Arm("robot");
  CHECK_THROWS_WITH(arm.Follow(JointTrajectory({Waypoint(1, {0, -90, 200, -90, -90, 0})})),
                    Contains("robot: trajectory point 0: joint3 at 200 deg is outside its limits "
                             "[-180, 180] deg"));
  CHECK_THROWS_WITH(arm.Follow(JointTrajectory({TrajectoryPoint{1, {0, 0, 0}, {}, {}}})),
                    Contains("the trajectory has 3 joints"));
  CHECK_THROWS_WITH(arm.MoveTo({0, 0, 0, 0, 0, 0}, 0), Contains("duration > 0"));
  CHECK_THROWS_WITH(arm.Hold({0, 0, std::nan(""), 0, 0, 0}), Contains("joint3 is not a finite"));
  CHECK_THROWS_WITH(arm.SetPayload(-1, {}), Contains("payload mass must be >= 0 kg"));
  CHECK_THROWS_WITH(sw.Arm("robbot"), Contains("no arm named 'robbot'") && Contains("'robot'"));
  // The refused commands changed nothing: the arm still holds home.
  StepFor(sw, 0.2);
  CHECK(arm.done());
}
