#include "ros1_convert.h"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace twin::bridge::ros1 {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

static std_msgs::Header ToRos(Header h) {
  std_msgs::Header r;
  r.stamp = ToRos(h.stamp);
  r.frame_id = std::move(h.frame_id);
  return r;
}
static Header FromRos(const std_msgs::Header& r) {
  return {FromRos(r.stamp), r.frame_id};
}

static geometry_msgs::Vector3 ToRos(const Vector3& v) {
  geometry_msgs::Vector3 r;
  r.x = v.x, r.y = v.y, r.z = v.z;
  return r;
}
static Vector3 FromRos(const geometry_msgs::Vector3& r) {
  return {r.x, r.y, r.z};
}

static geometry_msgs::Quaternion ToRos(const Quaternion& q) {
  geometry_msgs::Quaternion r;
  r.x = q.x, r.y = q.y, r.z = q.z, r.w = q.w;
  return r;
}
static Quaternion FromRos(const geometry_msgs::Quaternion& r) {
  return {r.x, r.y, r.z, r.w};
}

static geometry_msgs::Pose ToRos(const Pose& p) {
  geometry_msgs::Pose r;
  r.position.x = p.position.x, r.position.y = p.position.y, r.position.z = p.position.z;
  r.orientation = ToRos(p.orientation);
  return r;
}
static Pose FromRos(const geometry_msgs::Pose& r) {
  return {{r.position.x, r.position.y, r.position.z}, FromRos(r.orientation)};
}

static geometry_msgs::Twist TwistToRos(const Twist& t) {
  geometry_msgs::Twist r;
  r.linear = ToRos(t.linear);
  r.angular = ToRos(t.angular);
  return r;
}
static Twist TwistFromRos(const geometry_msgs::Twist& r) {
  return {FromRos(r.linear), FromRos(r.angular)};
}

static ros::Duration ToRos(Duration d) {
  ros::Duration r;
  const std::int64_t sec = d.nanoseconds / kNanosPerSecond;
  std::int64_t nsec = d.nanoseconds % kNanosPerSecond;
  r.sec = static_cast<std::int32_t>(std::clamp<std::int64_t>(
      sec, std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max()));
  r.nsec = static_cast<std::int32_t>(nsec);
  return r;
}
static Duration FromRos(const ros::Duration& r) {
  return {static_cast<std::int64_t>(r.sec) * kNanosPerSecond + r.nsec};
}

ros::Time ToRos(Time time) {
  constexpr std::int64_t kMax =
      static_cast<std::int64_t>(std::numeric_limits<std::uint32_t>::max()) * kNanosPerSecond +
      (kNanosPerSecond - 1);
  const std::int64_t ns = std::clamp<std::int64_t>(time.nanoseconds, 0, kMax);
  ros::Time r;
  r.sec = static_cast<std::uint32_t>(ns / kNanosPerSecond);
  r.nsec = static_cast<std::uint32_t>(ns % kNanosPerSecond);
  return r;
}
Time FromRos(const ros::Time& r) {
  return {static_cast<std::int64_t>(r.sec) * kNanosPerSecond + r.nsec};
}

// ---- out --------------------------------------------------------------------------------------

rosgraph_msgs::Clock ToRos(Clock m) {
  rosgraph_msgs::Clock r;
  r.clock = ToRos(m.clock);
  return r;
}

tf2_msgs::TFMessage ToRos(TFMessage m) {
  tf2_msgs::TFMessage r;
  r.transforms.reserve(m.transforms.size());
  for (TransformStamped& t : m.transforms) {
    geometry_msgs::TransformStamped& rt = r.transforms.emplace_back();
    rt.header = ToRos(std::move(t.header));
    rt.child_frame_id = std::move(t.child_frame_id);
    rt.transform.translation = ToRos(t.transform.translation);
    rt.transform.rotation = ToRos(t.transform.rotation);
  }
  return r;
}

sensor_msgs::JointState ToRos(JointState m) {
  sensor_msgs::JointState r;
  r.header = ToRos(std::move(m.header));
  r.name = std::move(m.name);
  r.position = std::move(m.position);
  r.velocity = std::move(m.velocity);
  r.effort = std::move(m.effort);
  return r;
}

nav_msgs::Odometry ToRos(Odometry m) {
  nav_msgs::Odometry r;
  r.header = ToRos(std::move(m.header));
  r.child_frame_id = std::move(m.child_frame_id);
  r.pose.pose = ToRos(m.pose.pose);
  std::copy(m.pose.covariance.begin(), m.pose.covariance.end(), r.pose.covariance.begin());
  r.twist.twist = TwistToRos(m.twist.twist);
  std::copy(m.twist.covariance.begin(), m.twist.covariance.end(), r.twist.covariance.begin());
  return r;
}

sensor_msgs::Image ToRos(Image m) {
  sensor_msgs::Image r;
  r.header = ToRos(std::move(m.header));
  r.height = m.height;
  r.width = m.width;
  r.encoding = std::move(m.encoding);
  r.is_bigendian = m.is_bigendian;
  r.step = m.step;
  r.data = std::move(m.data);
  return r;
}

sensor_msgs::CameraInfo ToRos(CameraInfo m) {
  sensor_msgs::CameraInfo r;
  r.header = ToRos(std::move(m.header));
  r.height = m.height;
  r.width = m.width;
  r.distortion_model = std::move(m.distortion_model);
  r.D = std::move(m.d);
  std::copy(m.k.begin(), m.k.end(), r.K.begin());
  std::copy(m.r.begin(), m.r.end(), r.R.begin());
  std::copy(m.p.begin(), m.p.end(), r.P.begin());
  r.binning_x = m.binning_x;
  r.binning_y = m.binning_y;
  r.roi.x_offset = m.roi.x_offset;
  r.roi.y_offset = m.roi.y_offset;
  r.roi.height = m.roi.height;
  r.roi.width = m.roi.width;
  r.roi.do_rectify = m.roi.do_rectify;
  return r;
}

sensor_msgs::PointCloud2 ToRos(PointCloud2 m) {
  sensor_msgs::PointCloud2 r;
  r.header = ToRos(std::move(m.header));
  r.height = m.height;
  r.width = m.width;
  r.fields.reserve(m.fields.size());
  for (PointField& f : m.fields) {
    sensor_msgs::PointField& rf = r.fields.emplace_back();
    rf.name = std::move(f.name);
    rf.offset = f.offset;
    rf.datatype = f.datatype;
    rf.count = f.count;
  }
  r.is_bigendian = m.is_bigendian;
  r.point_step = m.point_step;
  r.row_step = m.row_step;
  r.data = std::move(m.data);
  r.is_dense = m.is_dense;
  return r;
}

sensor_msgs::LaserScan ToRos(LaserScan m) {
  sensor_msgs::LaserScan r;
  r.header = ToRos(std::move(m.header));
  r.angle_min = m.angle_min;
  r.angle_max = m.angle_max;
  r.angle_increment = m.angle_increment;
  r.time_increment = m.time_increment;
  r.scan_time = m.scan_time;
  r.range_min = m.range_min;
  r.range_max = m.range_max;
  r.ranges = std::move(m.ranges);
  r.intensities = std::move(m.intensities);
  return r;
}

sensor_msgs::Imu ToRos(Imu m) {
  sensor_msgs::Imu r;
  r.header = ToRos(std::move(m.header));
  r.orientation = ToRos(m.orientation);
  std::copy(m.orientation_covariance.begin(), m.orientation_covariance.end(),
            r.orientation_covariance.begin());
  r.angular_velocity = ToRos(m.angular_velocity);
  std::copy(m.angular_velocity_covariance.begin(), m.angular_velocity_covariance.end(),
            r.angular_velocity_covariance.begin());
  r.linear_acceleration = ToRos(m.linear_acceleration);
  std::copy(m.linear_acceleration_covariance.begin(), m.linear_acceleration_covariance.end(),
            r.linear_acceleration_covariance.begin());
  return r;
}

std_msgs::Bool ToRos(Bool m) {
  std_msgs::Bool r;
  r.data = m.data;
  return r;
}
std_msgs::Float64 ToRos(Float64 m) {
  std_msgs::Float64 r;
  r.data = m.data;
  return r;
}
std_msgs::Int64 ToRos(Int64 m) {
  std_msgs::Int64 r;
  r.data = m.data;
  return r;
}
std_msgs::UInt32 ToRos(UInt32 m) {
  std_msgs::UInt32 r;
  r.data = m.data;
  return r;
}
geometry_msgs::Twist ToRos(Twist m) {
  return TwistToRos(m);
}

trajectory_msgs::JointTrajectory ToRos(JointTrajectory m) {
  trajectory_msgs::JointTrajectory r;
  r.header = ToRos(std::move(m.header));
  r.joint_names = std::move(m.joint_names);
  r.points.reserve(m.points.size());
  for (JointTrajectoryPoint& p : m.points) {
    trajectory_msgs::JointTrajectoryPoint& rp = r.points.emplace_back();
    rp.positions = std::move(p.positions);
    rp.velocities = std::move(p.velocities);
    rp.accelerations = std::move(p.accelerations);
    rp.effort = std::move(p.effort);
    rp.time_from_start = ToRos(p.time_from_start);
  }
  return r;
}

// ---- in ---------------------------------------------------------------------------------------

Clock FromRos(const rosgraph_msgs::Clock& r) {
  return {FromRos(r.clock)};
}

TFMessage FromRos(const tf2_msgs::TFMessage& r) {
  TFMessage m;
  m.transforms.reserve(r.transforms.size());
  for (const geometry_msgs::TransformStamped& rt : r.transforms) {
    m.transforms.push_back({FromRos(rt.header),
                            rt.child_frame_id,
                            {FromRos(rt.transform.translation), FromRos(rt.transform.rotation)}});
  }
  return m;
}

JointState FromRos(const sensor_msgs::JointState& r) {
  return {FromRos(r.header), r.name, r.position, r.velocity, r.effort};
}

Odometry FromRos(const nav_msgs::Odometry& r) {
  Odometry m;
  m.header = FromRos(r.header);
  m.child_frame_id = r.child_frame_id;
  m.pose.pose = FromRos(r.pose.pose);
  std::copy(r.pose.covariance.begin(), r.pose.covariance.end(), m.pose.covariance.begin());
  m.twist.twist = TwistFromRos(r.twist.twist);
  std::copy(r.twist.covariance.begin(), r.twist.covariance.end(), m.twist.covariance.begin());
  return m;
}

Image FromRos(const sensor_msgs::Image& r) {
  return {FromRos(r.header), r.height, r.width, r.encoding, r.is_bigendian, r.step, r.data};
}

CameraInfo FromRos(const sensor_msgs::CameraInfo& r) {
  CameraInfo m;
  m.header = FromRos(r.header);
  m.height = r.height;
  m.width = r.width;
  m.distortion_model = r.distortion_model;
  m.d = r.D;
  std::copy(r.K.begin(), r.K.end(), m.k.begin());
  std::copy(r.R.begin(), r.R.end(), m.r.begin());
  std::copy(r.P.begin(), r.P.end(), m.p.begin());
  m.binning_x = r.binning_x;
  m.binning_y = r.binning_y;
  m.roi = {r.roi.x_offset, r.roi.y_offset, r.roi.height, r.roi.width, r.roi.do_rectify != 0};
  return m;
}

PointCloud2 FromRos(const sensor_msgs::PointCloud2& r) {
  PointCloud2 m;
  m.header = FromRos(r.header);
  m.height = r.height;
  m.width = r.width;
  for (const sensor_msgs::PointField& f : r.fields) {
    m.fields.push_back({f.name, f.offset, f.datatype, f.count});
  }
  m.is_bigendian = r.is_bigendian != 0;
  m.point_step = r.point_step;
  m.row_step = r.row_step;
  m.data = r.data;
  m.is_dense = r.is_dense != 0;
  return m;
}

LaserScan FromRos(const sensor_msgs::LaserScan& r) {
  return {FromRos(r.header), r.angle_min, r.angle_max, r.angle_increment, r.time_increment,
          r.scan_time,       r.range_min, r.range_max, r.ranges,          r.intensities};
}

Imu FromRos(const sensor_msgs::Imu& r) {
  Imu m;
  m.header = FromRos(r.header);
  m.orientation = FromRos(r.orientation);
  std::copy(r.orientation_covariance.begin(), r.orientation_covariance.end(),
            m.orientation_covariance.begin());
  m.angular_velocity = FromRos(r.angular_velocity);
  std::copy(r.angular_velocity_covariance.begin(), r.angular_velocity_covariance.end(),
            m.angular_velocity_covariance.begin());
  m.linear_acceleration = FromRos(r.linear_acceleration);
  std::copy(r.linear_acceleration_covariance.begin(), r.linear_acceleration_covariance.end(),
            m.linear_acceleration_covariance.begin());
  return m;
}

Bool FromRos(const std_msgs::Bool& r) {
  return {r.data != 0};
}
Float64 FromRos(const std_msgs::Float64& r) {
  return {r.data};
}
Int64 FromRos(const std_msgs::Int64& r) {
  return {r.data};
}
UInt32 FromRos(const std_msgs::UInt32& r) {
  return {r.data};
}
Twist FromRos(const geometry_msgs::Twist& r) {
  return TwistFromRos(r);
}

JointTrajectory FromRos(const trajectory_msgs::JointTrajectory& r) {
  JointTrajectory m;
  m.header = FromRos(r.header);
  m.joint_names = r.joint_names;
  m.points.reserve(r.points.size());
  for (const trajectory_msgs::JointTrajectoryPoint& p : r.points) {
    m.points.push_back(
        {p.positions, p.velocities, p.accelerations, p.effort, FromRos(p.time_from_start)});
  }
  return m;
}

}  // namespace twin::bridge::ros1
