// Plain-data mirrors of the small ROS messages every transport carries: time, header, clock and
// the std_msgs scalars. Field names follow ROS 2 (the common denominator of ROS 1 and ROS 2).
#pragma once

#include <cstdint>
#include <string>

namespace twin::bridge {

/// A time stamp: simulated time in integer nanoseconds. Holds ROS 1 (uint32 sec) and ROS 2
/// (int32 sec) stamps exactly; a transport converts to its wire form.
struct Time {
  std::int64_t nanoseconds = 0;

  static Time FromSeconds(double seconds);
  double Seconds() const { return static_cast<double>(nanoseconds) * 1e-9; }
  friend bool operator==(Time a, Time b) { return a.nanoseconds == b.nanoseconds; }
};

/// A signed span of time (trajectory_msgs time_from_start), in integer nanoseconds.
struct Duration {
  std::int64_t nanoseconds = 0;

  static Duration FromSeconds(double seconds);
  double Seconds() const { return static_cast<double>(nanoseconds) * 1e-9; }
  friend bool operator==(Duration a, Duration b) { return a.nanoseconds == b.nanoseconds; }
};

/// std_msgs/Header (ROS 1's `seq` is left to the transport).
struct Header {
  Time stamp;            ///< the simulated time the data depicts
  std::string frame_id;  ///< the frame the data is expressed in
};

/// rosgraph_msgs/Clock.
struct Clock {
  Time clock;
};

/// std_msgs/Bool.
struct Bool {
  bool data = false;
};

/// std_msgs/Float64.
struct Float64 {
  double data = 0.0;
};

/// std_msgs/Int64.
struct Int64 {
  std::int64_t data = 0;
};

/// std_msgs/UInt32.
struct UInt32 {
  std::uint32_t data = 0;
};

}  // namespace twin::bridge
