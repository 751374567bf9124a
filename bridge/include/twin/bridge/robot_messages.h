// Plain-data mirrors of sensor_msgs/JointState and trajectory_msgs/JointTrajectory.
#pragma once

#include <string>
#include <vector>

#include <twin/bridge/basic_messages.h>

namespace twin::bridge {

/// sensor_msgs/JointState: parallel arrays by joint name (any of the value arrays may be empty).
struct JointState {
  Header header;
  std::vector<std::string> name;
  std::vector<double> position;  ///< rad or m
  std::vector<double> velocity;  ///< rad/s or m/s
  std::vector<double> effort;    ///< N·m or N
};

/// trajectory_msgs/JointTrajectoryPoint.
struct JointTrajectoryPoint {
  std::vector<double> positions;
  std::vector<double> velocities;
  std::vector<double> accelerations;
  std::vector<double> effort;
  Duration time_from_start;
};

/// trajectory_msgs/JointTrajectory: points timed from `header.stamp`.
struct JointTrajectory {
  Header header;
  std::vector<std::string> joint_names;
  std::vector<JointTrajectoryPoint> points;
};

}  // namespace twin::bridge
