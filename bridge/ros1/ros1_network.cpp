#include "ros1_network.h"

#include <cstdlib>

namespace twin::bridge::ros1 {

bool DefaultToLoopback() {
  auto is_set = [](const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr && value[0] != '\0';
  };
  if (is_set("ROS_IP") || is_set("ROS_HOSTNAME")) return false;
  // roscpp reads ROS_IP both for the URI it registers and (when it starts with "127.") to bind
  // its TCPROS server to loopback and refuse connections from other hosts.
  ::setenv("ROS_IP", "127.0.0.1", 1);
  return true;
}

}  // namespace twin::bridge::ros1
