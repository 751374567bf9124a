// Plain-data mirrors of geometry_msgs, tf2_msgs and nav_msgs/Odometry.
#pragma once

#include <array>
#include <string>
#include <vector>

#include <twin/bridge/basic_messages.h>

namespace twin::bridge {

/// geometry_msgs/Vector3.
struct Vector3 {
  double x = 0.0, y = 0.0, z = 0.0;
};

/// geometry_msgs/Point.
struct Point {
  double x = 0.0, y = 0.0, z = 0.0;
};

/// geometry_msgs/Quaternion (identity by default).
struct Quaternion {
  double x = 0.0, y = 0.0, z = 0.0, w = 1.0;
};

/// geometry_msgs/Pose.
struct Pose {
  Point position;
  Quaternion orientation;
};

/// geometry_msgs/Transform.
struct Transform {
  Vector3 translation;
  Quaternion rotation;
};

/// geometry_msgs/TransformStamped: the pose of `child_frame_id` in `header.frame_id`.
struct TransformStamped {
  Header header;
  std::string child_frame_id;
  Transform transform;
};

/// tf2_msgs/TFMessage (what `/tf` and `/tf_static` carry).
struct TFMessage {
  std::vector<TransformStamped> transforms;
};

/// geometry_msgs/Twist: linear (m/s) and angular (rad/s) velocity.
struct Twist {
  Vector3 linear;
  Vector3 angular;
};

/// geometry_msgs/PoseWithCovariance (row-major 6x6 over x, y, z, roll, pitch, yaw).
struct PoseWithCovariance {
  Pose pose;
  std::array<double, 36> covariance{};
};

/// geometry_msgs/TwistWithCovariance.
struct TwistWithCovariance {
  Twist twist;
  std::array<double, 36> covariance{};
};

/// nav_msgs/Odometry: pose in `header.frame_id`, twist in `child_frame_id`.
struct Odometry {
  Header header;
  std::string child_frame_id;
  PoseWithCovariance pose;
  TwistWithCovariance twist;
};

}  // namespace twin::bridge
