// Where a ROS 1 node says it can be reached.
#pragma once

namespace twin::bridge::ros1 {

/// Sets ROS_IP=127.0.0.1 when neither ROS_IP nor ROS_HOSTNAME is set (or both are empty), so a
/// node is reachable on loopback only unless a user opens it up. Returns whether it set it.
bool DefaultToLoopback();

}  // namespace twin::bridge::ros1
