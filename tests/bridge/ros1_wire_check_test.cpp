// The length check in front of roscpp's deserialiser, against messages roscpp serialises itself.
#include <catch2/catch.hpp>

#include <ros/serialization.h>

#include <cstring>

#include "ros1_convert.h"
#include "ros1_wire_check.h"

namespace twin::bridge {
namespace {

template <class R>
std::vector<std::uint8_t> Serialise(const R& message) {
  std::vector<std::uint8_t> bytes(ros::serialization::serializationLength(message));
  ros::serialization::OStream stream(bytes.data(), static_cast<std::uint32_t>(bytes.size()));
  ros::serialization::serialize(stream, message);
  return bytes;
}

template <class R>
ros1::WireSchema SchemaOf() {
  return ros1::WireSchema::Parse(ros::message_traits::datatype<R>(),
                                 ros::message_traits::definition<R>());
}

template <class R>
bool Fits(const std::vector<std::uint8_t>& bytes) {
  return SchemaOf<R>().Fits(bytes.data(), static_cast<std::uint32_t>(bytes.size()));
}

trajectory_msgs::JointTrajectory SampleTrajectory() {
  JointTrajectory t;
  t.header = {Time{1'500'000'000}, "base_link"};
  t.joint_names = {"shoulder", "elbow"};
  t.points.push_back({{0.1, 0.2}, {0, 0}, {}, {}, Duration{500'000'000}});
  t.points.push_back({{0.3, 0.4}, {}, {1, 1}, {2, 2}, Duration{900'000'000}});
  return ros1::ToRos(std::move(t));
}

template <std::size_t... I>
void CheckEveryKindFits(std::index_sequence<I...>) {
  (
      [] {
        using M = std::variant_alternative_t<I, Message>;
        using R = ros1::RosOf<M>;
        CAPTURE(ros::message_traits::datatype<R>());
        const std::vector<std::uint8_t> bytes = Serialise(R());
        CHECK(Fits<R>(bytes));
        // One byte short is never a whole message.
        CHECK_FALSE(SchemaOf<R>().Fits(bytes.data(), static_cast<std::uint32_t>(bytes.size() - 1)));
      }(),
      ...);
}

TEST_CASE("ROS 1 wire check: every kind roscpp serialises passes, one byte short fails") {
  CheckEveryKindFits(std::make_index_sequence<kMessageKindCount>());
}

TEST_CASE("ROS 1 wire check: full messages with nested arrays pass") {
  CHECK(Fits<trajectory_msgs::JointTrajectory>(Serialise(SampleTrajectory())));
  PointCloud2 cloud;
  cloud.height = 2;
  cloud.width = 2;
  cloud.fields = {{"x", 0, PointField::kFloat32, 1}, {"y", 4, PointField::kFloat32, 1}};
  cloud.point_step = 8;
  cloud.row_step = 16;
  cloud.data.assign(32, 1);
  CHECK(Fits<sensor_msgs::PointCloud2>(Serialise(ros1::ToRos(std::move(cloud)))));
  CameraInfo info;
  info.d = {1, 2, 3, 4, 5};
  CHECK(Fits<sensor_msgs::CameraInfo>(Serialise(ros1::ToRos(std::move(info)))));
}

// Offsets into SampleTrajectory's bytes: header (seq 4, stamp 8, frame_id 4 + 9), joint_names
// (count 4, then 4 + 8 and 4 + 5), points (count 4), then the first point's positions count.
constexpr std::size_t kJointNamesCount = 4 + 8 + 4 + 9;
constexpr std::size_t kFirstPositionsCount = kJointNamesCount + 4 + 12 + 9 + 4;

void Patch(std::vector<std::uint8_t>& bytes, std::size_t offset, std::uint32_t value) {
  std::memcpy(bytes.data() + offset, &value, 4);
}

TEST_CASE("ROS 1 wire check: a claimed length past the bytes received fails") {
  const std::vector<std::uint8_t> good = Serialise(SampleTrajectory());
  std::uint32_t positions = 0;
  std::memcpy(&positions, good.data() + kFirstPositionsCount, 4);
  REQUIRE(positions == 2);  // the offsets above point where they say

  // 2^29 + 1 doubles: roscpp's byte count (8 x count in 32 bits) wraps to 8, so roscpp alone
  // would allocate 4 GB and read 8 bytes without complaint.
  std::vector<std::uint8_t> wrapping = good;
  Patch(wrapping, kFirstPositionsCount, (1u << 29) + 1);
  CHECK_FALSE(Fits<trajectory_msgs::JointTrajectory>(wrapping));

  std::vector<std::uint8_t> many_names = good;
  Patch(many_names, kJointNamesCount, 1'000'000'000);
  CHECK_FALSE(Fits<trajectory_msgs::JointTrajectory>(many_names));

  std::vector<std::uint8_t> long_frame = good;
  Patch(long_frame, 12, 0xFFFFFFF0u);
  CHECK_FALSE(Fits<trajectory_msgs::JointTrajectory>(long_frame));
}

}  // namespace
}  // namespace twin::bridge
