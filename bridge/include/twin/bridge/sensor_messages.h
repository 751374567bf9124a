// Plain-data mirrors of the sensor_msgs a camera, a lidar and an IMU publish.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <twin/bridge/basic_messages.h>
#include <twin/bridge/geometry_messages.h>

namespace twin::bridge {

/// sensor_msgs/Image. Encodings as in ROS: "rgb8", "32FC1" (REP 118 depth in metres), "mono16".
struct Image {
  Header header;
  std::uint32_t height = 0;
  std::uint32_t width = 0;
  std::string encoding;
  std::uint8_t is_bigendian = 0;
  std::uint32_t step = 0;  ///< bytes per row
  std::vector<std::uint8_t> data;
};

/// sensor_msgs/RegionOfInterest.
struct RegionOfInterest {
  std::uint32_t x_offset = 0, y_offset = 0, height = 0, width = 0;
  bool do_rectify = false;
};

/// sensor_msgs/CameraInfo (ROS 1 spells d, k, r, p as D, K, R, P).
struct CameraInfo {
  Header header;
  std::uint32_t height = 0;
  std::uint32_t width = 0;
  std::string distortion_model;  ///< "plumb_bob": d = (k1, k2, p1, p2, k3)
  std::vector<double> d;
  std::array<double, 9> k{};   ///< row-major 3x3 intrinsics
  std::array<double, 9> r{};   ///< rectification rotation
  std::array<double, 12> p{};  ///< row-major 3x4 projection
  std::uint32_t binning_x = 0, binning_y = 0;
  RegionOfInterest roi;
};

/// sensor_msgs/PointField.
struct PointField {
  enum : std::uint8_t {
    kInt8 = 1,
    kUint8 = 2,
    kInt16 = 3,
    kUint16 = 4,
    kInt32 = 5,
    kUint32 = 6,
    kFloat32 = 7,
    kFloat64 = 8
  };
  std::string name;
  std::uint32_t offset = 0;
  std::uint8_t datatype = 0;
  std::uint32_t count = 0;
};

/// sensor_msgs/PointCloud2 (organised when height > 1).
struct PointCloud2 {
  Header header;
  std::uint32_t height = 0;
  std::uint32_t width = 0;
  std::vector<PointField> fields;
  bool is_bigendian = false;
  std::uint32_t point_step = 0;
  std::uint32_t row_step = 0;
  std::vector<std::uint8_t> data;
  bool is_dense = false;
};

/// sensor_msgs/LaserScan.
struct LaserScan {
  Header header;
  float angle_min = 0.0f, angle_max = 0.0f, angle_increment = 0.0f;
  float time_increment = 0.0f, scan_time = 0.0f;
  float range_min = 0.0f, range_max = 0.0f;
  std::vector<float> ranges;
  std::vector<float> intensities;
};

/// sensor_msgs/Imu. A covariance whose first element is -1 marks the quantity as not provided.
struct Imu {
  Header header;
  Quaternion orientation;
  std::array<double, 9> orientation_covariance{};
  Vector3 angular_velocity;  ///< rad/s
  std::array<double, 9> angular_velocity_covariance{};
  Vector3 linear_acceleration;  ///< m/s², gravity included (as a real accelerometer reads)
  std::array<double, 9> linear_acceleration_covariance{};
};

}  // namespace twin::bridge
