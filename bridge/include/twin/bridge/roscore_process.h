// A ROS 1 master of our own: `roscore -p PORT` on a loopback port with its own ROS_HOME in a
// temporary folder, killed (with the master and rosout it starts) when done. `twin bench bridge`
// runs on one, and so does each ROS test.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace twin::bridge {

class RoscoreProcess {
 public:
  /// Starts it on a free loopback port and waits until the master answers. Throws
  /// twin::base::Error (naming roscore's log) when roscore is missing, exits at start or does not
  /// answer within 30 s.
  RoscoreProcess();
  /// The same on a given port.
  explicit RoscoreProcess(int port);
  /// Kills it and removes its ROS_HOME.
  ~RoscoreProcess();
  RoscoreProcess(const RoscoreProcess&) = delete;
  RoscoreProcess& operator=(const RoscoreProcess&) = delete;

  /// Kills the master (SIGKILL to its process group and to the groups of the master and rosout:
  /// it goes away without goodbyes) and waits until its port is closed.
  void Kill();
  /// Starts it again on the same port (after Kill).
  void Start();

  int port() const { return port_; }
  std::string uri() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::filesystem::path& home() const { return home_; }
  /// roscore's process id (also its process group), or -1 when it is not running.
  pid_t pid() const { return pid_; }
  /// ROS_MASTER_URI, ROS_HOME and ROS_IP (loopback), which roscore runs with and which its
  /// clients need; they replace any inherited entries of those names.
  std::vector<std::string> Env() const;

 private:
  int port_ = 0;
  std::filesystem::path home_;
  pid_t pid_ = -1;
};

/// A TCP port on 127.0.0.1 that nothing listens on now; throws twin::base::Error when there is
/// none.
int FreeLoopbackPort();

}  // namespace twin::bridge
