// What `twin hil` makes of a command from the network before it reaches the simulation.
//
// Every field is checked. A command is rejected whole (the robot keeps its previous command and
// the watchdog is not fed) when a value is not a number (NaN, infinite), when it cannot be read
// as meant (an unknown or missing joint, arrays of the wrong length, times that do not increase),
// or when an arm's waypoint lies outside a joint's limits (clamping a path would change its
// shape). A number beyond a robot's speed or travel limits is clamped to the limit, as the
// robot's own controller would, and reported. A value for an axis the robot cannot move along
// (linear.y of a differential drive) is ignored and reported. Each problem names the topic and
// the field ("/amr1/cmd_vel: linear.x is nan"), for a rate-limited warning.
#pragma once

#include <twin/bridge/geometry_messages.h>
#include <twin/bridge/robot_messages.h>
#include <twin/scenes/site.h>
#include <twin/sim/joint_trajectory.h>
#include <twin/sim/planar.h>

#include <optional>
#include <string>
#include <vector>

namespace twin::bridge {

/// A problem with one field: `key` groups repeats for the rate-limited log ("topic field").
struct CommandProblem {
  std::string key, text;
};

/// The value to apply (none: rejected) and what was wrong with the command.
template <class T>
struct Checked {
  std::optional<T> value;
  std::vector<CommandProblem> problems;
};

/// cmd_vel of a differential-drive AMR: linear.x and angular.z, clamped to its limits.
Checked<sim::Twist2d> CheckAmrTwist(const std::string& topic, const Twist& twist,
                                    const scenes::AmrSpec& amr);

/// cmd_vel of a forklift: linear.x as travel speed and angular.z as yaw rate, turned into the
/// rear wheel's steer angle as for a bicycle (yaw rate = -v tan(steer) / wheelbase), clamped.
/// At standstill a yaw rate sets the steer angle that turns that way once it moves.
struct ForkliftCommand {
  double speed = 0, steer = 0;
};
Checked<ForkliftCommand> CheckForkliftTwist(const std::string& topic, const Twist& twist,
                                            const scenes::ForkliftSpec& forklift);

/// A scalar set-point (lift height, conveyor speed) clamped to [low, high].
Checked<double> CheckSetPoint(const std::string& topic, double value, double low, double high,
                              const char* unit);

/// An arm trajectory, its joints in the arm's order and its times from `start` (sim seconds).
struct ArmTrajectory {
  double start = 0;
  std::vector<sim::TrajectoryPoint> points;
};
/// Joint names are as in /<arm>/joint_states ("joint1"), or the model's ("<arm>/joint1"); all
/// six, in any order. The trajectory starts at header.stamp, or at `now` when the stamp is 0 or
/// already past (as ROS's joint_trajectory_controller does). Velocities and accelerations are
/// optional (empty) but, when given, one per joint in every point.
Checked<ArmTrajectory> CheckArmTrajectory(const std::string& topic, const JointTrajectory& msg,
                                          const scenes::ArmSpec& arm, double now);

}  // namespace twin::bridge
