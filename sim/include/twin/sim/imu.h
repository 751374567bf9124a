// IMU readings as a real IMU (and ROS sensor_msgs/Imu) reports them, from the accelerometer and
// gyro a layout's `imus:` entry expands to (scenes/src/layout_sensors.cpp: a site "<name>", an
// MJCF accelerometer "<name>/accel" and gyro "<name>/gyro" on it, with the layout's
// `noise: {accel, gyro}` as their MJCF `noise`).
//
// Noise: World adds each sensor's MJCF noise (Gaussian, sigma = `noise`) to sensordata after
// every step, drawn from the world's seed (WorldOptions::sensor_noise, on by default): the
// readings here are that sensordata as it is, with no noise of their own on top. So a reading is
// reproducible from (seed, step), and the covariances below are the variance World applied
// (zero when the world applies none). The orientation is exact (the layout gives it no noise).
#pragma once

#include <twin/scenes/site.h>
#include <twin/sim/world.h>

#include <array>
#include <string>

namespace twin::sim {

/// One IMU sample. Vectors are in the IMU's frame (its MJCF site's axes); 3x3 matrices are
/// row-major, as in sensor_msgs/Imu.
struct ImuReading {
  std::string name;  ///< ImuSpec::name (also the name of its MJCF site, the frame)
  double stamp = 0;  ///< the simulated time it depicts: World::sensor_time()
  /// Specific force, m/s^2: what an accelerometer measures, acceleration minus gravity. At rest
  /// with the site's z axis up it reads (0, 0, +9.81).
  std::array<double, 3> linear_acceleration{};
  std::array<double, 3> angular_velocity{};  ///< rad/s, of the site relative to the world
  /// The IMU frame's orientation in the world frame as a unit quaternion (w, x, y, z: MuJoCo's
  /// order; ROS's geometry_msgs/Quaternion is x, y, z, w). It rotates IMU-frame vectors into the
  /// world frame (v_world = R v_imu, R = the site's xmat): the rotation of the transform from
  /// the world frame to the IMU frame in tf's parent -> child terms, as sensor_msgs/Imu wants.
  std::array<double, 4> orientation_wxyz{1, 0, 0, 0};
  /// Diagonal, variance of the noise World adds per axis (sigma^2; 0 without noise). The
  /// orientation's is zero: it is exact, not an estimate of unknown quality.
  std::array<double, 9> orientation_covariance{};
  std::array<double, 9> angular_velocity_covariance{};
  std::array<double, 9> linear_acceleration_covariance{};
};

/// The current reading of `imu` in `world` (a world made from the layout that declared it).
/// Throws twin::base::Error naming the missing site or sensor otherwise.
ImuReading ReadImu(const World& world, const scenes::ImuSpec& imu);

}  // namespace twin::sim
