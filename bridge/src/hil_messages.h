// The messages `twin hil` publishes, made from what the simulation and the renderer give: plain
// conversions with no state, one per kind of reading.
#pragma once

#include <twin/bridge/frame_tree.h>
#include <twin/bridge/message.h>
#include <twin/render/frame.h>
#include <twin/render/lidar.h>
#include <twin/sim/imu.h>
#include <twin/sim/joint_states.h>
#include <twin/sim/planar.h>

#include <string>
#include <vector>

namespace twin::bridge {

Header MakeHeader(double stamp, std::string frame);
Quaternion FromWxyz(const std::array<double, 4>& wxyz);

TFMessage MakeTf(const std::vector<FrameTransform>& frames, double stamp);
JointState MakeJointState(const sim::JointStates& states);
Imu MakeImu(const sim::ImuReading& reading);

/// Odometry in `<robot>/odom` of `<robot>/base_link`: pose and its velocity in base_link.
Odometry MakeOdometry(const std::string& robot, const sim::Pose2d& pose,
                      const sim::Twist2d& velocity, double stamp);

/// rgb8, 32FC1 depth in metres with NaN where nothing was hit (REP 118), and the camera_info of
/// the renderer's model: K, D (plumb_bob: k1 k2 p1 p2 k3), R = I, P = [K | 0].
Image MakeRgbImage(const render::CameraFrame& frame, const std::string& optical_frame);
Image MakeDepthImage(const render::CameraFrame& frame, const std::string& optical_frame);
Image MakeMono16Image(const render::CameraFrame& frame, const std::vector<uint16_t>& ids,
                      const std::string& optical_frame);
CameraInfo MakeCameraInfo(const render::CameraFrame& frame, const std::string& optical_frame);

/// Organised x y z float32 cloud (height = channels), NaN where no return; LaserScan of a
/// single-channel lidar, +inf where no return (REP 117).
PointCloud2 MakePointCloud(const render::LidarScan& scan, const std::string& frame);
LaserScan MakeLaserScan(const render::LidarScan& scan, const render::LidarModel& lidar,
                        const std::string& frame, double scan_time);

}  // namespace twin::bridge
