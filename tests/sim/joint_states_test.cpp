// Joint states per robot against MuJoCo's own qpos, qvel and actuator forces.
#include <twin/scenes/scene.h>
#include <twin/sim/joint_states.h>
#include <twin/sim/site_world.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>

using twin::sim::JointStates;
using twin::sim::RobotJoints;

namespace {

const char* kLayout = R"(equipment:
  - {type: amr, name: amr1, lift: true, pose: {position: [0, 3, 0]}}
  - {type: forklift, name: fl, pose: {position: [0, -4, 0]}}
  - {type: arm, name: robot, pose: {position: [4, 0, 0]}}
  - {type: parallel_gripper, name: hand, parent: robot/flange}
  - {type: conveyor, name: belt, pose: {position: [-4, 0, 0]}, length: 2}
  - {type: carton, name: box, pose: {position: [-4, 3, 0]}}
)";

twin::sim::SiteWorld Load() {
  return twin::sim::MakeSiteWorld(twin::scenes::LoadLayoutText(kLayout, "robots.yaml", "."), {},
                                  std::nullopt, /*autopilot=*/false);
}

const RobotJoints& Robot(const std::vector<RobotJoints>& robots, const std::string& entity) {
  for (const RobotJoints& r : robots)
    if (r.entity == entity) return r;
  FAIL("no robot " << entity);
  throw;
}

bool Has(const RobotJoints& r, const std::string& name) {
  return std::find(r.names.begin(), r.names.end(), name) != r.names.end();
}

}  // namespace

TEST_CASE("Every robot's hinge and slide joints, named as a ROS user sees them",
          "[sim][joint-states]") {
  twin::sim::SiteWorld site = Load();
  const mjModel* m = site.world.model();
  const std::vector<RobotJoints> robots = twin::sim::FindRobotJoints(m, site.scene.site);
  std::vector<std::string> entities;
  for (const RobotJoints& r : robots) entities.push_back(r.entity);
  // Robots only (no conveyor, no carton), in layout order.
  CHECK(entities == std::vector<std::string>{"amr1", "fl", "robot", "hand"});
  CHECK(Robot(robots, "amr1").type == "amr");
  CHECK(Robot(robots, "fl").type == "forklift");
  CHECK(Robot(robots, "robot").type == "arm");
  CHECK(Robot(robots, "hand").type == "gripper");

  // Each robot's joints are exactly the model's non-free joints named "<entity>/...".
  for (const RobotJoints& r : robots) {
    CAPTURE(r.entity);
    std::set<std::string> truth, found;
    for (int j = 0; j < m->njnt; ++j) {
      const std::string name = mj_id2name(m, mjOBJ_JOINT, j);
      if (name.rfind(r.entity + "/", 0) == 0 && m->jnt_type[j] != mjJNT_FREE) truth.insert(name);
    }
    REQUIRE(r.names.size() == r.joints.size());
    for (size_t i = 0; i < r.joints.size(); ++i) {
      CHECK(r.entity + "/" + r.names[i] == mj_id2name(m, mjOBJ_JOINT, r.joints[i]));
      found.insert(mj_id2name(m, mjOBJ_JOINT, r.joints[i]));
    }
    CHECK(found == truth);
    CHECK(std::is_sorted(r.joints.begin(), r.joints.end()));
  }
  // The names the header documents.
  const RobotJoints& arm = Robot(robots, "robot");
  CHECK(arm.names ==
        std::vector<std::string>{"joint1", "joint2", "joint3", "joint4", "joint5", "joint6"});
  CHECK(Robot(robots, "hand").names ==
        std::vector<std::string>{"finger_left_slide", "finger_right_slide"});
  const RobotJoints& amr = Robot(robots, "amr1");
  for (const char* name : {"left_wheel_spin", "right_wheel_spin", "lift"}) CHECK(Has(amr, name));
  const RobotJoints& fl = Robot(robots, "fl");
  for (const char* name : {"left_wheel_spin", "right_wheel_spin", "steer", "rear_wheel_spin",
                           "tilt", "mast_extend", "lift"})
    CHECK(Has(fl, name));
}

TEST_CASE("Joint states are qpos, qvel and the actuator force of each joint",
          "[sim][joint-states]") {
  twin::sim::SiteWorld site = Load();
  twin::sim::World& world = site.world;
  const mjModel* m = world.model();
  const std::vector<RobotJoints> robots = twin::sim::FindRobotJoints(m, site.scene.site);
  // Drive and lift, so that wheels turn and servos push.
  site.Amr("amr1").SetVelocity(0.5, 0.2);
  site.Amr("amr1").SetLift(0.03);
  site.Forklift("fl").SetSpeed(0.8);
  site.Forklift("fl").SetLift(0.3);
  world.Step(1000);

  const mjData* d = world.data();
  int moving = 0, pushing = 0;
  for (const RobotJoints& r : robots) {
    const JointStates s = twin::sim::ReadJointStates(world, r);
    CAPTURE(r.entity);
    CHECK(s.entity == r.entity);
    CHECK(s.stamp == world.time());
    CHECK(s.name == r.names);
    REQUIRE(s.position.size() == r.names.size());
    REQUIRE(s.velocity.size() == r.names.size());
    REQUIRE(s.effort.size() == r.names.size());
    for (size_t i = 0; i < r.names.size(); ++i) {
      const int j = world.JointId(r.entity + "/" + r.names[i]);
      CHECK(s.position[i] == d->qpos[m->jnt_qposadr[j]]);
      CHECK(s.velocity[i] == d->qvel[m->jnt_dofadr[j]]);
      CHECK(s.effort[i] == d->qfrc_actuator[m->jnt_dofadr[j]]);
      moving += std::abs(s.velocity[i]) > 0.1;
      pushing += std::abs(s.effort[i]) > 0.1;
    }
  }
  // Not vacuous: wheels turn and actuators push.
  CHECK(moving >= 4);
  CHECK(pushing >= 4);
  // An AMR driving forward at 0.5 m/s turns its wheels at about v / r.
  const JointStates amr = twin::sim::ReadJointStates(world, Robot(robots, "amr1"));
  const auto& spec = site.scene.site.amrs[0];
  const double omega_mean = [&] {
    double sum = 0;
    for (size_t i = 0; i < amr.name.size(); ++i)
      if (amr.name[i] == "left_wheel_spin" || amr.name[i] == "right_wheel_spin")
        sum += amr.velocity[i];
    return sum / 2;
  }();
  CHECK(omega_mean == Approx(0.5 / spec.wheel_radius).epsilon(0.05));
}
