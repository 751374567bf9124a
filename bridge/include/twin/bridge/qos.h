// QoS-like options of a stream: the subset that ROS 1 (TCPROS) and ROS 2 (DDS) both express.
#pragma once

namespace twin::bridge {

/// Delivery guarantee. ROS 1 is always reliable (TCP); ROS 2 maps this to DDS reliability.
enum class Reliability { kReliable, kBestEffort };

/// Whether a late subscriber gets the last message. ROS 1: latched; ROS 2: transient local.
enum class Durability { kVolatile, kTransientLocal };

/// How a stream is delivered. `depth` is the per-subscriber queue: when a subscriber is slower
/// than the publisher the oldest queued message is dropped, so a publisher never waits.
struct Qos {
  Reliability reliability = Reliability::kReliable;
  Durability durability = Durability::kVolatile;
  int depth = 10;

  /// Sensor data (rclcpp's SensorDataQoS): best effort, a short queue; images want depth 1-2.
  static Qos Sensor(int depth = 5) {
    return {Reliability::kBestEffort, Durability::kVolatile, depth};
  }
  /// State a late joiner needs (`/tf_static`, a robot description): reliable, latched, depth 1.
  static Qos Latched() { return {Reliability::kReliable, Durability::kTransientLocal, 1}; }
  /// Commands in (cmd_vel, trajectories): reliable, depth 10.
  static Qos Commands(int depth = 10) {
    return {Reliability::kReliable, Durability::kVolatile, depth};
  }
};

}  // namespace twin::bridge
