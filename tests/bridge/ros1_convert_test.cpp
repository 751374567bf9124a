// Conversions between the plain messages and roscpp's, checked against roscpp's own traits.
#include <catch2/catch.hpp>

#include <ros/message_traits.h>

#include <limits>

#include "ros1_convert.h"

namespace twin::bridge {
namespace {

template <std::size_t... I>
void CheckTypeNames(std::index_sequence<I...>) {
  (
      [] {
        using M = std::variant_alternative_t<I, Message>;
        CAPTURE(I);
        CHECK(RosTypeName(KindOf<M>()) == ros::message_traits::datatype<ros1::RosOf<M>>());
      }(),
      ...);
}

TEST_CASE("ROS 1 conversions: every kind's ROS type name is roscpp's own") {
  CheckTypeNames(std::make_index_sequence<kMessageKindCount>());
}

TEST_CASE("ROS 1 conversions: stamps split into sec and nsec, clamped to what ROS 1 holds") {
  const ros::Time t = ros1::ToRos(Time{12'345'678'901});
  CHECK(t.sec == 12);
  CHECK(t.nsec == 345'678'901);
  CHECK(ros1::FromRos(t).nanoseconds == 12'345'678'901);
  CHECK(ros1::ToRos(Time{-5}).toNSec() == 0);
  const ros::Time late = ros1::ToRos(Time{std::numeric_limits<std::int64_t>::max()});
  CHECK(late.sec == std::numeric_limits<std::uint32_t>::max());
  CHECK(late.nsec == 999'999'999);
  // An unnormalised stamp from a peer is taken as it is, not rejected.
  ros::Time odd;
  odd.sec = 1;
  odd.nsec = 2'500'000'000u;
  CHECK(ros1::FromRos(odd).nanoseconds == 3'500'000'000);
}

TEST_CASE("ROS 1 conversions: negative trajectory durations survive the round trip") {
  trajectory_msgs::JointTrajectory ros_trajectory =
      ros1::ToRos(JointTrajectory{{}, {"a"}, {{{1.0}, {}, {}, {}, Duration{-1'250'000'000}}}});
  CHECK(ros_trajectory.points.at(0).time_from_start.toSec() == -1.25);
  CHECK(ros1::FromRos(ros_trajectory).points.at(0).time_from_start.nanoseconds == -1'250'000'000);
}

TEST_CASE("ROS 1 conversions: an image's pixels are moved to the ROS message, not copied") {
  Image image;
  image.data.assign(640 * 480 * 3, 7);
  const std::uint8_t* pixels = image.data.data();
  const sensor_msgs::Image ros_image = ros1::ToRos(std::move(image));
  CHECK(ros_image.data.data() == pixels);
  CHECK(ros_image.data.size() == 640u * 480u * 3u);
}

}  // namespace
}  // namespace twin::bridge
