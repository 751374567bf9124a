// Plain bridge messages to and from the roscpp message types, and which roscpp type is which.
// To ROS, arrays are moved, not copied (pass rvalues). From ROS, nothing is judged: NaN, odd
// lengths and unnormalised stamps come through as the peer sent them.
#pragma once

#include <geometry_msgs/Twist.h>
#include <nav_msgs/Odometry.h>
#include <rosgraph_msgs/Clock.h>
#include <sensor_msgs/CameraInfo.h>
#include <sensor_msgs/Image.h>
#include <sensor_msgs/Imu.h>
#include <sensor_msgs/JointState.h>
#include <sensor_msgs/LaserScan.h>
#include <sensor_msgs/PointCloud2.h>
#include <std_msgs/Bool.h>
#include <std_msgs/Float64.h>
#include <std_msgs/Int64.h>
#include <std_msgs/UInt32.h>
#include <tf2_msgs/TFMessage.h>
#include <trajectory_msgs/JointTrajectory.h>

#include <twin/bridge/message.h>

namespace twin::bridge::ros1 {

/// RosType<M>::type is the roscpp type of plain message M.
template <class M>
struct RosType;
#define TWIN_ROS1_TYPE(Plain, Ros) \
  template <>                      \
  struct RosType<Plain> {          \
    using type = Ros;              \
  }
TWIN_ROS1_TYPE(Clock, rosgraph_msgs::Clock);
TWIN_ROS1_TYPE(TFMessage, tf2_msgs::TFMessage);
TWIN_ROS1_TYPE(JointState, sensor_msgs::JointState);
TWIN_ROS1_TYPE(Odometry, nav_msgs::Odometry);
TWIN_ROS1_TYPE(Image, sensor_msgs::Image);
TWIN_ROS1_TYPE(CameraInfo, sensor_msgs::CameraInfo);
TWIN_ROS1_TYPE(PointCloud2, sensor_msgs::PointCloud2);
TWIN_ROS1_TYPE(LaserScan, sensor_msgs::LaserScan);
TWIN_ROS1_TYPE(Imu, sensor_msgs::Imu);
TWIN_ROS1_TYPE(Bool, std_msgs::Bool);
TWIN_ROS1_TYPE(Float64, std_msgs::Float64);
TWIN_ROS1_TYPE(Int64, std_msgs::Int64);
TWIN_ROS1_TYPE(UInt32, std_msgs::UInt32);
TWIN_ROS1_TYPE(Twist, geometry_msgs::Twist);
TWIN_ROS1_TYPE(JointTrajectory, trajectory_msgs::JointTrajectory);
#undef TWIN_ROS1_TYPE
template <class M>
using RosOf = typename RosType<M>::type;

/// ROS 1 time is unsigned: negative stamps become 0, stamps past 2106 saturate.
ros::Time ToRos(Time time);
Time FromRos(const ros::Time& time);

rosgraph_msgs::Clock ToRos(Clock m);
tf2_msgs::TFMessage ToRos(TFMessage m);
sensor_msgs::JointState ToRos(JointState m);
nav_msgs::Odometry ToRos(Odometry m);
sensor_msgs::Image ToRos(Image m);
sensor_msgs::CameraInfo ToRos(CameraInfo m);
sensor_msgs::PointCloud2 ToRos(PointCloud2 m);
sensor_msgs::LaserScan ToRos(LaserScan m);
sensor_msgs::Imu ToRos(Imu m);
std_msgs::Bool ToRos(Bool m);
std_msgs::Float64 ToRos(Float64 m);
std_msgs::Int64 ToRos(Int64 m);
std_msgs::UInt32 ToRos(UInt32 m);
geometry_msgs::Twist ToRos(Twist m);
trajectory_msgs::JointTrajectory ToRos(JointTrajectory m);

Clock FromRos(const rosgraph_msgs::Clock& m);
TFMessage FromRos(const tf2_msgs::TFMessage& m);
JointState FromRos(const sensor_msgs::JointState& m);
Odometry FromRos(const nav_msgs::Odometry& m);
Image FromRos(const sensor_msgs::Image& m);
CameraInfo FromRos(const sensor_msgs::CameraInfo& m);
PointCloud2 FromRos(const sensor_msgs::PointCloud2& m);
LaserScan FromRos(const sensor_msgs::LaserScan& m);
Imu FromRos(const sensor_msgs::Imu& m);
Bool FromRos(const std_msgs::Bool& m);
Float64 FromRos(const std_msgs::Float64& m);
Int64 FromRos(const std_msgs::Int64& m);
UInt32 FromRos(const std_msgs::UInt32& m);
Twist FromRos(const geometry_msgs::Twist& m);
JointTrajectory FromRos(const trajectory_msgs::JointTrajectory& m);

}  // namespace twin::bridge::ros1
