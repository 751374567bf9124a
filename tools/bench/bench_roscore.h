// The ROS master `twin bench bridge` runs on: `roscore -p PORT` on a free loopback port with its
// own ROS_HOME in a temporary folder, killed (with the master and rosout it starts) when done.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace twin::tools {

class BenchRoscore {
 public:
  /// Starts it and waits until the master answers; throws twin::base::Error (naming roscore's log)
  /// when roscore is missing or does not answer within 30 s.
  BenchRoscore();
  ~BenchRoscore();
  BenchRoscore(const BenchRoscore&) = delete;
  BenchRoscore& operator=(const BenchRoscore&) = delete;

  int port() const { return port_; }
  /// ROS_MASTER_URI, ROS_HOME and ROS_IP (loopback) for the processes of the bench.
  std::vector<std::string> Env() const;
  const std::filesystem::path& home() const { return home_; }

 private:
  void Stop();

  int port_ = 0;
  std::filesystem::path home_;
  pid_t pid_ = -1;  // also its process group
};

}  // namespace twin::tools
