// Every message a transport carries, as one std::variant, and its kind as a named enum.
#pragma once

#include <cstddef>
#include <string_view>
#include <type_traits>
#include <variant>

#include <twin/bridge/basic_messages.h>
#include <twin/bridge/geometry_messages.h>
#include <twin/bridge/robot_messages.h>
#include <twin/bridge/sensor_messages.h>

namespace twin::bridge {

/// Any message. The order of the alternatives is the order of MessageKind.
using Message = std::variant<Clock, TFMessage, JointState, Odometry, Image, CameraInfo, PointCloud2,
                             LaserScan, Imu, Bool, Float64, Int64, UInt32, Twist, JointTrajectory>;

/// The kind of a message: the index of its alternative in Message.
enum class MessageKind {
  kClock,
  kTFMessage,
  kJointState,
  kOdometry,
  kImage,
  kCameraInfo,
  kPointCloud2,
  kLaserScan,
  kImu,
  kBool,
  kFloat64,
  kInt64,
  kUInt32,
  kTwist,
  kJointTrajectory,
};
inline constexpr std::size_t kMessageKindCount = std::variant_size_v<Message>;
static_assert(static_cast<std::size_t>(MessageKind::kJointTrajectory) + 1 == kMessageKindCount);

namespace internal {
template <class M, std::size_t I = 0>
constexpr std::size_t IndexOf() {
  static_assert(I < kMessageKindCount, "not a bridge message type");
  if constexpr (std::is_same_v<M, std::variant_alternative_t<I, Message>>) {
    return I;
  } else {
    return IndexOf<M, I + 1>();
  }
}
}  // namespace internal

/// The kind of message type M, e.g. KindOf<Image>() == MessageKind::kImage.
template <class M>
constexpr MessageKind KindOf() {
  return static_cast<MessageKind>(internal::IndexOf<M>());
}

/// The kind of a message held in a Message.
inline MessageKind KindOf(const Message& message) {
  return static_cast<MessageKind>(message.index());
}

/// The ROS name of a kind's message type, "package/Type" (ROS 2 puts "msg/" before the type).
std::string_view RosTypeName(MessageKind kind);

}  // namespace twin::bridge
