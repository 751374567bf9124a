// Arm kinematics against independent truth: MuJoCo's own kinematics of the MJCF the layout
// builds (so the model matches the published DH table), the closed-form flange position at zero
// angles, and forward kinematics for the inverse.
#include <twin/base/random.h>
#include <twin/scenes/scene.h>
#include <twin/sim/arm_kinematics.h>
#include <twin/sim/world.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>

using twin::scenes::Pose;
using twin::sim::ArmKinematics;
using twin::sim::JointVector;

namespace {

constexpr double kPi = std::numbers::pi;

// Two arms: a UR5e on a pedestal, turned and moved off the origin, and one with other links.
const char* kLayout = R"(equipment:
  - {type: arm, name: ur5e, pedestal_height: 0.5, pose: {position: [1.5, -2, 0.1], yaw: 35}}
  - type: arm
    name: custom
    pose: {position: [-1, 1, 0], rpy: [0, 0, -120]}
    d1: 0.2
    a2: -0.61
    a3: -0.57
    d4: 0.17
    d5: 0.12
    d6: 0.116
)";

JointVector RandomJoints(const twin::base::CounterRng& rng, uint64_t draw,
                         const ArmKinematics& kin) {
  JointVector q{};
  for (int k = 0; k < 6; ++k) q[k] = rng.Uniform(6 * draw + k, kin.lower()[k], kin.upper()[k]);
  return q;
}

double Distance(const twin::scenes::Vec3& a, const twin::scenes::Vec3& b) {
  return std::hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

// The angle of the rotation between two orientations, radians.
double AngleBetween(const twin::scenes::Quat& a, const twin::scenes::Quat& b) {
  double dot = 0;
  for (int i = 0; i < 4; ++i) dot += a[i] * b[i];
  return 2 * std::acos(std::min(1.0, std::abs(dot)));
}

}  // namespace

TEST_CASE("At zero angles the UR5e flange is where the DH table puts it", "[sim][arm]") {
  // Stretched out along -x: (a2 + a3, -(d4 + d6), d1 - d5), tool axis along -y.
  const ArmKinematics kin(twin::scenes::UrDhTable{}, {}, {});
  const Pose flange = kin.Forward({0, 0, 0, 0, 0, 0});
  CHECK(flange.position[0] == Approx(-0.425 - 0.3922));
  CHECK(flange.position[1] == Approx(-0.1333 - 0.0996));
  CHECK(flange.position[2] == Approx(0.1625 - 0.0997));
  const twin::scenes::Vec3 z = twin::scenes::Rotate(flange.orientation, {0, 0, 1});
  CHECK(z[1] == Approx(-1));
}

TEST_CASE("Forward kinematics from the DH table equals MuJoCo's flange for random joints",
          "[sim][arm]") {
  const twin::scenes::Scene scene = twin::scenes::LoadLayoutText(kLayout, "fk.yaml", ".");
  twin::sim::World world = twin::sim::World::FromScene(scene);
  const mjModel* m = world.model();
  mjData* d = world.data();
  const twin::base::CounterRng rng(7, twin::base::StreamId("arm_fk_test"));
  for (const twin::scenes::ArmSpec& arm : scene.site.arms) {
    const ArmKinematics kin(arm);
    const int site = mj_name2id(m, mjOBJ_SITE, arm.flange_site.c_str());
    REQUIRE(site >= 0);
    for (uint64_t draw = 0; draw < 200; ++draw) {
      const JointVector q = RandomJoints(rng, draw, kin);
      for (int k = 0; k < 6; ++k) d->qpos[m->jnt_qposadr[world.JointId(arm.joints[k])]] = q[k];
      mj_kinematics(m, d);
      Pose mujoco;
      for (int i = 0; i < 3; ++i) mujoco.position[i] = d->site_xpos[3 * site + i];
      mju_mat2Quat(mujoco.orientation.data(), d->site_xmat + 9 * site);
      const Pose dh = kin.Forward(q);
      INFO(arm.entity << " draw " << draw);
      CHECK(Distance(dh.position, mujoco.position) < 1e-3);
      CHECK(AngleBetween(dh.orientation, mujoco.orientation) < 1e-6);
    }
  }
}

TEST_CASE("Inverse kinematics reproduces the pose of random joint angles", "[sim][arm]") {
  const twin::scenes::Scene scene = twin::scenes::LoadLayoutText(kLayout, "ik.yaml", ".");
  const twin::base::CounterRng rng(11, twin::base::StreamId("arm_ik_test"));
  for (const twin::scenes::ArmSpec& arm : scene.site.arms) {
    const ArmKinematics kin(arm);
    const Pose tool{{0.01, -0.02, 0.15}, twin::scenes::QuatFromYawDeg(20)};
    for (uint64_t draw = 0; draw < 300; ++draw) {
      const JointVector q = RandomJoints(rng, draw, kin);
      INFO(arm.entity << " draw " << draw);
      // Every closed-form solution puts the flange at the pose, one of them is q itself...
      const Pose target = kin.Forward(q);
      const std::vector<JointVector> all = kin.Solutions(target);
      REQUIRE(!all.empty());
      bool found = false;
      for (const JointVector& s : all) {
        CHECK(Distance(kin.Forward(s).position, target.position) < 1e-9);
        CHECK(AngleBetween(kin.Forward(s).orientation, target.orientation) < 1e-7);
        double worst = 0;
        for (int k = 0; k < 6; ++k) {
          worst = std::max(worst, std::abs(std::remainder(s[k] - q[k], 2 * kPi)));
        }
        found = found || worst < 1e-6;
      }
      CHECK(found);
      // ... and the solver, seeded with q, returns q (within limits), here for a tool frame.
      const Pose at_tool = kin.Forward(q, tool);
      const auto solved = kin.Inverse(at_tool, q, tool);
      REQUIRE(solved);
      CHECK(kin.WithinLimits(*solved));
      for (int k = 0; k < 6; ++k) CHECK((*solved)[k] == Approx(q[k]).margin(1e-6));
      // Seeded elsewhere it may pick another branch, which still puts the tool at the pose.
      JointVector seed = q;
      for (double& angle : seed) angle = std::clamp(angle + 0.3, -kPi, kPi);
      const auto other = kin.Inverse(at_tool, seed, tool);
      REQUIRE(other);
      CHECK(kin.WithinLimits(*other));
      CHECK(Distance(kin.Forward(*other, tool).position, at_tool.position) < 1e-9);
      CHECK(AngleBetween(kin.Forward(*other, tool).orientation, at_tool.orientation) < 1e-7);
    }
  }
}

TEST_CASE("Inverse kinematics refuses poses out of reach and keeps to the limits", "[sim][arm]") {
  const ArmKinematics kin(twin::scenes::UrDhTable{},
                          {-2 * kPi, -2 * kPi, -kPi, -2 * kPi, -2 * kPi, -2 * kPi},
                          {2 * kPi, 2 * kPi, kPi, 2 * kPi, 2 * kPi, 2 * kPi});
  const JointVector seed{0, -kPi / 2, kPi / 2, -kPi / 2, -kPi / 2, 0};
  CHECK_FALSE(kin.Inverse(twin::sim::ToolDownPose({1.2, 0, 0.2}, 0), seed));
  CHECK_FALSE(kin.Inverse(twin::sim::ToolDownPose({0, 0, 1.5}, 0), seed));
  // A pose the seed is near: the answer is close to the seed, not a wrapped-around twin.
  const Pose down = twin::sim::ToolDownPose({-0.5, -0.13, 0.3}, kPi / 2);
  const auto q = kin.Inverse(down, seed);
  REQUIRE(q);
  for (int k = 0; k < 6; ++k) CHECK(std::abs((*q)[k] - seed[k]) < kPi);
  CHECK(Distance(kin.Forward(*q).position, down.position) < 1e-9);
  // The tool-down helper points +z at the floor.
  const twin::scenes::Vec3 z = twin::scenes::Rotate(down.orientation, {0, 0, 1});
  CHECK(z[2] == Approx(-1));
}
