// Joint states of every robot of a site, grouped per robot, as ROS sensor_msgs/JointState carries
// them. The robots are the layout's AMRs, forklifts, arms and grippers, and included models
// (`include:` of MJCF or URDF) that have a hinge or slide joint.
//
// Names: a robot's joints are its MJCF joints named "<entity>/<joint>" (every joint of the
// entity's bodies); a ROS user sees "<joint>", the name without the entity prefix, on the robot's
// own namespace (e.g. /amr_1/joint_states). The built-in equipment's joints:
//   AMR       left_wheel_spin, right_wheel_spin, caster spins if any, lift (with a lift)
//   forklift  left_wheel_spin, right_wheel_spin, steer, rear_wheel_spin, tilt, mast_extend, lift
//   arm       joint1 ... joint6 (base to wrist)
//   gripper   finger_left_slide, finger_right_slide (parallel); none (suction)
// An included model's joints keep the names its file gave them. Free joints (the pose of a
// mobile base: odometry and tf, not a joint state) and ball joints (not one number) are left out.
#pragma once

#include <twin/scenes/site.h>
#include <twin/sim/world.h>

#include <mujoco/mujoco.h>

#include <string>
#include <vector>

namespace twin::sim {

/// One robot's joints, found once per model (FindRobotJoints) and read every sample.
struct RobotJoints {
  std::string entity;              ///< the layout's name for the robot, e.g. "amr_1"
  std::string type;                ///< "amr", "forklift", "arm", "gripper", "mjcf" or "urdf"
  std::vector<std::string> names;  ///< as a ROS user sees them (see above), in MJCF order
  std::vector<int> joints;         ///< the MJCF joint ids, in the same order
};

/// Every robot of `site` in `m` with at least one hinge or slide joint, in layout order.
std::vector<RobotJoints> FindRobotJoints(const mjModel* m, const scenes::Site& site);

/// One robot's joint state (sensor_msgs/JointState's arrays, index for index).
struct JointStates {
  std::string entity;
  /// The simulated time the positions and velocities are of: World::time() (the state after
  /// the last step, not World::sensor_time()).
  double stamp = 0;
  std::vector<std::string> name;
  std::vector<double> position;  ///< rad (hinge; unwrapped: a wheel's angle keeps growing) or m
  std::vector<double> velocity;  ///< rad/s or m/s
  /// N m or N: the force of the joint's actuators (MuJoCo's qfrc_actuator) over the last step.
  std::vector<double> effort;
};

JointStates ReadJointStates(const World& world, const RobotJoints& robot);

}  // namespace twin::sim
