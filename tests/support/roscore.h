// A real ROS 1 master for one test: bridge's RoscoreProcess (`roscore -p PORT` on a free loopback
// port with its own ROS_HOME, stopped with everything it started at the end), whose Env() also
// puts the generated twin_msgs on PYTHONPATH for rospy clients.
#pragma once

#include <twin/bridge/roscore_process.h>

#include <string>
#include <vector>

namespace twin::testing {

using bridge::FreeLoopbackPort;

class Roscore : public bridge::RoscoreProcess {
 public:
  using bridge::RoscoreProcess::RoscoreProcess;

  /// ROS_MASTER_URI, ROS_HOME, ROS_IP and PYTHONPATH (the generated twin_msgs) for a child.
  std::vector<std::string> Env() const {
    std::vector<std::string> env = RoscoreProcess::Env();
    env.push_back("PYTHONPATH=" TWIN_ROS1_PYTHON_DIR);
    return env;
  }
};

}  // namespace twin::testing
