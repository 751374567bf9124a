// The ROS 1 transport and its master: gone and back, absent at start, and where the node says it
// can be reached. Each TEST_CASE makes one Ros1Transport, so CTest runs each on its own.
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <future>
#include <mutex>

#include "ros1_test_support.h"

namespace twin::bridge {
namespace {

using nlohmann::json;
using testing::Roscore;
using testing::RunPeer;

constexpr std::chrono::seconds kRegistered{20};

// What ros_peer.py's `commands` mode publishes: a Twist and a one-point trajectory.
std::string WriteCommandSpec(const Roscore& roscore) {
  const std::string path = (roscore.home() / "commands.json").string();
  std::ofstream(path) << R"({"twist": {"linear": [0.25, 0, 0], "angular": [0, 0, 0.5]},
    "trajectory": {"stamp": [1, 0], "frame_id": "", "joint_names": ["j"],
    "points": [{"positions": [1.0], "velocities": [], "accelerations": [], "effort": [],
                "time_from_start": [1, 0]}]}})";
  return path;
}

TEST_CASE("ROS 1 transport: after roscore is killed and restarted everything is registered again") {
  Roscore roscore;
  Ros1Transport transport(testing::OptionsFor(roscore));
  Publisher<Clock> clock(transport, "/clock", Qos::Commands());
  std::mutex mutex;
  std::vector<Twist> twists;
  Subscribe<Twist>(transport, "/robot/cmd_vel", Qos::Commands(), [&](const Twist& t) {
    std::lock_guard lock(mutex);
    twists.push_back(t);
  });
  Subscribe<JointTrajectory>(transport, "/arm/joint_trajectory", Qos::Commands(),
                             [](const JointTrajectory&) {});
  Serve<SetBool>(transport, "/gripper", [](const SetBool::Request&) {
    return SetBool::Response{true, "ok"};
  });
  Serve<Trigger>(transport, "/reset", [](const Trigger::Request&) {
    return Trigger::Response{true, "reset"};
  });
  Serve<StepSimulation>(transport, "/step", [](const StepSimulation::Request&) {
    return StepSimulation::Response{true, ""};
  });
  REQUIRE(transport.WaitForRegistration(kRegistered));
  CHECK(transport.RegistrationRounds() == 1);

  std::int64_t now = 0;
  auto tick = [&] { clock.Publish({Time{now += 1'000'000}}); };
  // A rospy node connected before the restart (it never re-registers by itself): it reads
  // /clock and answers each message with a Twist.
  std::future<testing::ProcessResult> follower = std::async(std::launch::async, [&] {
    return RunPeer(roscore, {"follow", "60"});
  });
  auto twist_count = [&] {
    std::lock_guard lock(mutex);
    return twists.size();
  };
  REQUIRE(testing::WaitFor([&] {
    tick();
    return clock.SubscriberCount() == 1 && twist_count() > 0;
  }));

  roscore.Kill();
  // The caller keeps publishing while the master is gone; nothing waits for it.
  REQUIRE(testing::WaitFor([&] {
    tick();
    return !transport.MasterReachable();
  }));
  for (int i = 0; i < 20; ++i) tick();
  CHECK(transport.RegistrationRounds() == 1);

  roscore.Start();
  REQUIRE(testing::WaitFor([&] {
    tick();
    return transport.RegistrationRounds() == 2;
  }));

  // The node from before the restart still hears twin and twin still hears it (publisher and
  // subscriber were registered again in place, their connections kept)...
  const std::size_t before = twist_count();
  REQUIRE(testing::WaitFor([&] {
    tick();
    return twist_count() >= before + 5;
  }));
  now = 1000'000'000'000;
  while (follower.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) tick();
  const testing::ProcessResult followed = follower.get();
  INFO(followed.err);
  REQUIRE(followed.exit_code == 0);
  // ...a new rospy client sees the topic again and receives from it...
  const testing::ProcessResult once =
      testing::RunPeerWhilePublishing(roscore, {"once", "30", "/clock"}, tick);
  INFO(once.err);
  REQUIRE(once.exit_code == 0);
  CHECK(once.out == "rosgraph_msgs/Clock\n");
  // ...its commands reach the re-registered subscriber...
  const testing::ProcessResult commands =
      RunPeer(roscore, {"commands", "30", WriteCommandSpec(roscore)});
  INFO(commands.err);
  REQUIRE(commands.exit_code == 0);
  REQUIRE(testing::WaitFor([&] {
    std::lock_guard lock(mutex);
    return !twists.empty() && twists.back().angular.z == 0.5;
  }));
  // ...and its service calls reach the re-registered services.
  const testing::ProcessResult services = RunPeer(roscore, {"services", "30"});
  INFO(services.err);
  REQUIRE(services.exit_code == 0);
  CHECK(json::parse(services.out).at("reset").at("message") == "reset");
}

TEST_CASE("ROS 1 transport: made with no master it returns, drops, and registers once one starts") {
  const int port = testing::FreeLoopbackPort();
  Ros1Options options;
  options.master_uri = "http://127.0.0.1:" + std::to_string(port);
  Ros1Transport transport(options);
  Publisher<Clock> clock(transport, "/clock", Qos::Commands());
  Publisher<TFMessage> tf_static(transport, "/tf_static", Qos::Latched());
  TFMessage statics;
  statics.transforms.push_back({{Time{0}, "base_link"}, "cam_optical", {{0.1, 0, 0.5}, {}}});
  tf_static.Publish(statics);  // kept for when the stream goes live
  for (int i = 0; i < 10; ++i) clock.Publish({Time{i}});
  CHECK(clock.SubscriberCount() == 0);
  CHECK_FALSE(transport.MasterReachable());
  // A name roscpp would reject fails on the caller's thread, naming it.
  CHECK_THROWS_WITH(transport.Advertise("/cam/image raw", MessageKind::kImage, Qos::Sensor()),
                    Catch::Contains("topic name '/cam/image raw' is not a valid ROS name"));
  CHECK(transport.RegistrationRounds() == 0);

  Roscore roscore(port);
  REQUIRE(transport.WaitForRegistration(kRegistered));
  CHECK(transport.RegistrationRounds() == 1);
  // The latched static transform, published before any master, reaches a late subscriber.
  const testing::ProcessResult once = RunPeer(roscore, {"once", "30", "/tf_static"});
  INFO(once.err);
  REQUIRE(once.exit_code == 0);
  CHECK(once.out == "tf2_msgs/TFMessage\n");
}

TEST_CASE("ROS 1 transport: with ROS_IP and ROS_HOSTNAME unset the node is on loopback only") {
  ::unsetenv("ROS_IP");
  ::unsetenv("ROS_HOSTNAME");
  Roscore roscore;
  Ros1Transport transport(testing::OptionsFor(roscore));
  Publisher<Clock> clock(transport, "/clock", Qos::Commands());
  REQUIRE(transport.WaitForRegistration(kRegistered));

  const testing::ProcessResult peer = RunPeer(roscore, {"address", "30", "/twin", "/clock"});
  INFO(peer.err);
  REQUIRE(peer.exit_code == 0);
  const json got = json::parse(peer.out);
  CHECK(got.at("uri").get<std::string>().rfind("http://127.0.0.1:", 0) == 0);
  CHECK(got.at("tcpros_host") == "127.0.0.1");
  CHECK(got.at("listening_on") == json::array({"127.0.0.1"}));
}

}  // namespace
}  // namespace twin::bridge
