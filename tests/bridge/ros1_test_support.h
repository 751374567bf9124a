// Shared pieces of the ROS 1 transport tests: a rospy peer process and a publish loop.
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <twin/bridge/ros1_transport.h>

#include "process.h"
#include "roscore.h"

namespace twin::testing {

inline bridge::Ros1Options OptionsFor(const Roscore& roscore) {
  bridge::Ros1Options options;
  options.master_uri = roscore.uri();
  return options;
}

/// Runs tests/bridge/ros_peer.py MODE TIMEOUT ARGS... against `roscore`.
inline ProcessResult RunPeer(const Roscore& roscore, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/python3", TWIN_SOURCE_DIR "/tests/bridge/ros_peer.py"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, roscore.Env());
}

/// Runs the peer while calling `publish` every 50 ms, until the peer exits.
inline ProcessResult RunPeerWhilePublishing(const Roscore& roscore,
                                            const std::vector<std::string>& args,
                                            const std::function<void()>& publish) {
  std::future<ProcessResult> peer =
      std::async(std::launch::async, [&] { return RunPeer(roscore, args); });
  while (peer.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) publish();
  return peer.get();
}

/// Waits up to `timeout` for `condition`.
inline bool WaitFor(const std::function<bool()>& condition,
                    std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace twin::testing
