// Writes what a RecordingTransport hands it to a ROS 1 bag (librosbag, format 2.0) on a thread of
// its own, so the simulation never waits on the disk. `rosbag info`, `rosbag play` and rqt_bag
// read it; latched topics (/tf_static) are marked so, as `rosbag record` marks them.
// Part of twin_bridge_ros1 (CMake option TWIN_WITH_ROS).
#pragma once

#include <twin/bridge/recording_transport.h>

#include <cstdint>
#include <memory>
#include <string>

namespace twin::bridge {

class Ros1BagRecorder final : public MessageRecorder {
 public:
  /// Opens `path` for writing (throws twin::base::Error naming it when it cannot).
  explicit Ros1BagRecorder(const std::string& path);
  /// Finish(), if not done yet.
  ~Ros1BagRecorder() override;
  /// Writes what is still queued and closes the bag; later Record() calls are dropped.
  void Finish();

  void Record(const std::string& topic, const Message& message, Time time, bool latched) override;

  /// Messages written so far; and the first write error ("" while none).
  int64_t written() const;
  std::string error() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace twin::bridge
