// A real ROS 1 master for one test: `roscore -p PORT` on a free loopback port, with its own
// ROS_HOME in a temporary folder, stopped (with everything it started) at the end.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace twin::testing {

class Roscore {
 public:
  /// Starts it and waits until the master answers (throws std::runtime_error after 30 s).
  Roscore();
  /// The same on a given port.
  explicit Roscore(int port);
  /// Stops it, even when the test failed.
  ~Roscore();
  Roscore(const Roscore&) = delete;
  Roscore& operator=(const Roscore&) = delete;

  /// Kills the master (SIGKILL to its process group: the master goes away without goodbyes).
  void Kill();
  /// Starts it again on the same port.
  void Start();

  int port() const { return port_; }
  std::string uri() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::filesystem::path& home() const { return home_; }
  /// ROS_MASTER_URI, ROS_HOME, ROS_IP and PYTHONPATH (the generated twin_msgs) for a child.
  std::vector<std::string> Env() const;

 private:
  int port_ = 0;
  std::filesystem::path home_;
  pid_t pid_ = -1;  // also its process group
};

/// A TCP port on 127.0.0.1 that nothing listens on now.
int FreeLoopbackPort();

}  // namespace twin::testing
