#include "hil_messages.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace twin::bridge {

Header MakeHeader(double stamp, std::string frame) {
  return {Time::FromSeconds(stamp), std::move(frame)};
}

Quaternion FromWxyz(const std::array<double, 4>& q) {
  return {q[1], q[2], q[3], q[0]};
}

TFMessage MakeTf(const std::vector<FrameTransform>& frames, double stamp) {
  TFMessage tf;
  tf.transforms.reserve(frames.size());
  for (const FrameTransform& f : frames) {
    TransformStamped t;
    t.header = MakeHeader(stamp, f.parent);
    t.child_frame_id = f.child;
    t.transform.translation = {f.translation[0], f.translation[1], f.translation[2]};
    t.transform.rotation = FromWxyz(f.rotation);
    tf.transforms.push_back(std::move(t));
  }
  return tf;
}

JointState MakeJointState(const sim::JointStates& s) {
  JointState js;
  js.header = MakeHeader(s.stamp, "");
  js.name = s.name;
  js.position = s.position;
  js.velocity = s.velocity;
  js.effort = s.effort;
  return js;
}

Imu MakeImu(const sim::ImuReading& r) {
  Imu imu;
  imu.header = MakeHeader(r.stamp, r.name);
  imu.orientation = FromWxyz(r.orientation_wxyz);
  imu.orientation_covariance = r.orientation_covariance;
  imu.angular_velocity = {r.angular_velocity[0], r.angular_velocity[1], r.angular_velocity[2]};
  imu.angular_velocity_covariance = r.angular_velocity_covariance;
  imu.linear_acceleration = {r.linear_acceleration[0], r.linear_acceleration[1],
                             r.linear_acceleration[2]};
  imu.linear_acceleration_covariance = r.linear_acceleration_covariance;
  return imu;
}

Odometry MakeOdometry(const std::string& robot, const sim::Pose2d& pose,
                      const sim::Twist2d& velocity, double stamp) {
  Odometry odom;
  odom.header = MakeHeader(stamp, robot + "/odom");
  odom.child_frame_id = robot + "/base_link";
  odom.pose.pose.position = {pose.x, pose.y, 0};
  odom.pose.pose.orientation = {0, 0, std::sin(pose.yaw / 2), std::cos(pose.yaw / 2)};
  odom.twist.twist.linear.x = velocity.v;
  odom.twist.twist.angular.z = velocity.omega;
  return odom;
}

namespace {
// An image of the frame's size, stamped with the time it depicts, holding `data` (rows of
// `bytes_per_pixel` * width bytes, little-endian: is_bigendian = 0).
Image MakeImage(const render::CameraFrame& frame, const std::string& optical_frame,
                const char* encoding, uint32_t bytes_per_pixel, std::vector<uint8_t> data) {
  Image image;
  image.header = MakeHeader(frame.time, optical_frame);
  image.height = frame.height;
  image.width = frame.width;
  image.encoding = encoding;
  image.step = bytes_per_pixel * frame.width;
  image.data = std::move(data);
  return image;
}
}  // namespace

Image MakeRgbImage(const render::CameraFrame& frame, const std::string& optical_frame) {
  return MakeImage(frame, optical_frame, "rgb8", 3, frame.rgb);
}

Image MakeDepthImage(const render::CameraFrame& frame, const std::string& optical_frame) {
  std::vector<uint8_t> data(frame.depth.size() * 4);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (size_t i = 0; i < frame.depth.size(); ++i) {
    const float z = frame.depth[i] > 0 ? frame.depth[i] : nan;
    std::memcpy(data.data() + 4 * i, &z, 4);
  }
  return MakeImage(frame, optical_frame, "32FC1", 4, std::move(data));
}

Image MakeMono16Image(const render::CameraFrame& frame, const std::vector<uint16_t>& ids,
                      const std::string& optical_frame) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(ids.data());
  return MakeImage(frame, optical_frame, "mono16", 2,
                   std::vector<uint8_t>(bytes, bytes + 2 * ids.size()));
}

CameraInfo MakeCameraInfo(const render::CameraFrame& frame, const std::string& optical_frame) {
  const render::CameraIntrinsics& k = frame.intrinsics;
  CameraInfo info;
  info.header = MakeHeader(frame.time, optical_frame);
  info.height = frame.height;
  info.width = frame.width;
  info.distortion_model = "plumb_bob";
  info.d = {k.k1, k.k2, k.p1, k.p2, k.k3};
  info.k = {k.fx, 0, k.cx, 0, k.fy, k.cy, 0, 0, 1};
  info.r = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  info.p = {k.fx, 0, k.cx, 0, 0, k.fy, k.cy, 0, 0, 0, 1, 0};
  return info;
}

PointCloud2 MakePointCloud(const render::LidarScan& scan, const std::string& frame) {
  PointCloud2 cloud;
  cloud.header = MakeHeader(scan.time, frame);
  cloud.height = scan.channels;
  cloud.width = scan.horizontal_samples;
  for (uint32_t i = 0; i < 3; ++i)
    cloud.fields.push_back({std::string(1, "xyz"[i]), 4 * i, PointField::kFloat32, 1});
  cloud.point_step = 12;
  cloud.row_step = 12 * cloud.width;
  cloud.data.resize(scan.points.size() * 4);
  std::memcpy(cloud.data.data(), scan.points.data(), cloud.data.size());
  cloud.is_dense = false;  // NaN points where a beam had no return
  return cloud;
}

LaserScan MakeLaserScan(const render::LidarScan& scan, const render::LidarModel& lidar,
                        const std::string& frame, double scan_time) {
  LaserScan ls;
  ls.header = MakeHeader(scan.time, frame);
  const int n = scan.horizontal_samples;
  ls.angle_min = static_cast<float>(lidar.AzimuthRad(0));
  ls.angle_max = static_cast<float>(lidar.AzimuthRad(n - 1));
  ls.angle_increment = n > 1 ? (ls.angle_max - ls.angle_min) / static_cast<float>(n - 1) : 0.0f;
  ls.time_increment = 0;  // every beam at one instant
  ls.scan_time = static_cast<float>(scan_time);
  ls.range_min = static_cast<float>(lidar.min_range);
  ls.range_max = static_cast<float>(lidar.max_range);
  ls.ranges.resize(n);
  for (int i = 0; i < n; ++i)
    ls.ranges[i] = scan.ranges[i] > 0 ? scan.ranges[i] : std::numeric_limits<float>::infinity();
  return ls;
}

}  // namespace twin::bridge
