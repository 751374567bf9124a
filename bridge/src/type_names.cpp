// ROS type names of the bridge's messages and services (ROS 1 spelling).
#include <twin/bridge/message.h>
#include <twin/bridge/services.h>

#include <array>

namespace twin::bridge {

std::string_view RosTypeName(MessageKind kind) {
  static constexpr std::array<std::string_view, kMessageKindCount> kNames = {
      "rosgraph_msgs/Clock",     "tf2_msgs/TFMessage",    "sensor_msgs/JointState",
      "nav_msgs/Odometry",       "sensor_msgs/Image",     "sensor_msgs/CameraInfo",
      "sensor_msgs/PointCloud2", "sensor_msgs/LaserScan", "sensor_msgs/Imu",
      "std_msgs/Bool",           "std_msgs/Float64",      "std_msgs/Int64",
      "std_msgs/UInt32",         "geometry_msgs/Twist",   "trajectory_msgs/JointTrajectory",
  };
  return kNames.at(static_cast<std::size_t>(kind));
}

std::string_view RosServiceTypeName(ServiceKind kind) {
  static constexpr std::array<std::string_view, 4> kNames = {
      "std_srvs/SetBool", "std_srvs/Trigger", "std_srvs/Empty", "twin_msgs/StepSimulation"};
  return kNames.at(static_cast<std::size_t>(kind));
}

}  // namespace twin::bridge
