// The ROS 1 transport against a real roscore and a rospy peer in its own process. Each TEST_CASE
// makes one Ros1Transport (roscpp allows one per process), so CTest runs each on its own.
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <mutex>
#include <sstream>

#include "ros1_test_support.h"

namespace twin::bridge {
namespace {

using nlohmann::json;
using testing::Roscore;
using testing::RunPeer;

constexpr std::chrono::seconds kRegistered{20};

json Stamp(const Header& h) {
  return json::array(
      {h.stamp.nanoseconds / 1'000'000'000, h.stamp.nanoseconds % 1'000'000'000, h.frame_id});
}

TEST_CASE(
    "ROS 1 transport: a rospy subscriber gets image, camera_info, imu and odom field by field") {
  Roscore roscore;
  Ros1Transport transport(testing::OptionsFor(roscore));
  Publisher<Image> image_pub(transport, "/cam/image_raw", Qos::Sensor(1));
  Publisher<CameraInfo> info_pub(transport, "/cam/camera_info", Qos::Sensor(1));
  Publisher<Imu> imu_pub(transport, "/imu", Qos::Sensor());
  Publisher<Odometry> odom_pub(transport, "/odom", Qos::Sensor());

  Image image;
  image.header = {Time{3'000'000'123}, "cam_optical"};
  image.height = 3;
  image.width = 4;
  image.encoding = "rgb8";
  image.step = 12;
  for (int i = 0; i < 36; ++i) image.data.push_back(static_cast<std::uint8_t>(7 * i));
  CameraInfo info;
  info.header = {Time{3'000'000'123}, "cam_optical"};
  info.height = 3;
  info.width = 4;
  info.distortion_model = "plumb_bob";
  info.d = {-0.1, 0.01, 0.001, -0.002, 0.0003};
  info.k = {500.5, 0, 320.25, 0, 501.5, 240.75, 0, 0, 1};
  info.r = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  info.p = {500.5, 0, 320.25, 0, 0, 501.5, 240.75, 0, 0, 0, 1, 0};
  info.binning_x = 1;
  info.binning_y = 2;
  info.roi = {1, 2, 3, 4, true};
  Imu imu;
  imu.header = {Time{5'250'000'000}, "imu_link"};
  imu.orientation = {0.1, 0.2, 0.3, 0.927};
  imu.orientation_covariance = {1e-4, 0, 0, 0, 2e-4, 0, 0, 0, 3e-4};
  imu.angular_velocity = {0.01, -0.02, 0.5};
  imu.angular_velocity_covariance[0] = -1;
  imu.linear_acceleration = {0.1, 0.2, 9.81};
  imu.linear_acceleration_covariance[8] = 0.04;
  Odometry odom;
  odom.header = {Time{6'000'000'007}, "odom"};
  odom.child_frame_id = "base_link";
  odom.pose.pose = {{1.5, -2.25, 0}, {0, 0, 0.38268343236, 0.92387953251}};
  odom.pose.covariance[0] = 0.01;
  odom.pose.covariance[35] = 0.02;
  odom.twist.twist = {{0.4, 0, 0}, {0, 0, -0.3}};
  odom.twist.covariance[7] = 0.5;

  const testing::ProcessResult peer =
      testing::RunPeerWhilePublishing(roscore, {"sensors", "30"}, [&] {
        image_pub.Publish(image);
        info_pub.Publish(info);
        imu_pub.Publish(imu);
        odom_pub.Publish(odom);
      });
  INFO(peer.err);
  REQUIRE(peer.exit_code == 0);
  const json got = json::parse(peer.out);

  const json& i = got.at("image");
  CHECK(i.at("header") == Stamp(image.header));
  CHECK(i.at("height") == 3);
  CHECK(i.at("width") == 4);
  CHECK(i.at("encoding") == "rgb8");
  CHECK(i.at("is_bigendian") == 0);
  CHECK(i.at("step") == 12);
  CHECK(i.at("data").get<std::vector<int>>() ==
        std::vector<int>(image.data.begin(), image.data.end()));

  const json& c = got.at("camera_info");
  CHECK(c.at("header") == Stamp(info.header));
  CHECK(c.at("distortion_model") == "plumb_bob");
  CHECK(c.at("D").get<std::vector<double>>() == info.d);
  CHECK(c.at("K").get<std::array<double, 9>>() == info.k);
  CHECK(c.at("R").get<std::array<double, 9>>() == info.r);
  CHECK(c.at("P").get<std::array<double, 12>>() == info.p);
  CHECK(c.at("binning") == json::array({1, 2}));
  CHECK(c.at("roi") == json::array({1, 2, 3, 4, true}));

  const json& u = got.at("imu");
  CHECK(u.at("header") == Stamp(imu.header));
  CHECK(u.at("orientation") == json::array({0.1, 0.2, 0.3, 0.927}));
  CHECK(u.at("orientation_covariance").get<std::array<double, 9>>() == imu.orientation_covariance);
  CHECK(u.at("angular_velocity") == json::array({0.01, -0.02, 0.5}));
  CHECK(u.at("angular_velocity_covariance").get<std::array<double, 9>>() ==
        imu.angular_velocity_covariance);
  CHECK(u.at("linear_acceleration") == json::array({0.1, 0.2, 9.81}));
  CHECK(u.at("linear_acceleration_covariance").get<std::array<double, 9>>() ==
        imu.linear_acceleration_covariance);

  const json& o = got.at("odom");
  CHECK(o.at("header") == Stamp(odom.header));
  CHECK(o.at("child_frame_id") == "base_link");
  CHECK(o.at("position") == json::array({1.5, -2.25, 0.0}));
  CHECK(o.at("orientation") == json::array({0.0, 0.0, 0.38268343236, 0.92387953251}));
  CHECK(o.at("pose_covariance").get<std::array<double, 36>>() == odom.pose.covariance);
  CHECK(o.at("linear") == json::array({0.4, 0.0, 0.0}));
  CHECK(o.at("angular") == json::array({0.0, 0.0, -0.3}));
  CHECK(o.at("twist_covariance").get<std::array<double, 36>>() == odom.twist.covariance);
}

// ---- commands ---------------------------------------------------------------------------------

// A number as Python's json reads it (NaN included, which JSON itself lacks).
std::string Num(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  std::ostringstream out;
  out.precision(17);
  out << v;
  return out.str();
}
std::string Nums(const std::vector<double>& values) {
  std::string s = "[";
  for (std::size_t i = 0; i < values.size(); ++i) s += (i ? ", " : "") + Num(values[i]);
  return s + "]";
}
// Equal, with NaN equal to NaN (a command is handed up as sent, NaN or not).
bool Same(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || a == b;
}
bool Same(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!Same(a[i], b[i])) return false;
  return true;
}

TEST_CASE("ROS 1 transport: cmd_vel and a JointTrajectory from rospy reach the callback intact") {
  Roscore roscore;
  Ros1Transport transport(testing::OptionsFor(roscore));
  std::mutex mutex;
  std::vector<Twist> twists;
  std::vector<JointTrajectory> trajectories;
  Subscribe<Twist>(transport, "/robot/cmd_vel", Qos::Commands(), [&](const Twist& t) {
    std::lock_guard lock(mutex);
    twists.push_back(t);
  });
  Subscribe<JointTrajectory>(transport, "/arm/joint_trajectory", Qos::Commands(),
                             [&](const JointTrajectory& t) {
                               std::lock_guard lock(mutex);
                               trajectories.push_back(t);
                             });

  const double nan = std::numeric_limits<double>::quiet_NaN();
  const Twist twist{{0.5, -0.25, 0}, {0, 1e-9, nan}};
  JointTrajectory trajectory;
  trajectory.header = {Time{4'000'000'500}, "base_link"};
  trajectory.joint_names = {"shoulder", "elbow", "wrist"};
  // Two points, the second with a short velocities array: the transport does not judge.
  trajectory.points.push_back({{0.1, 0.2, 0.3}, {0, 0, 0}, {}, {}, Duration{500'000'000}});
  trajectory.points.push_back(
      {{-1.5, nan, 3.0}, {0.25}, {1, 2, 3}, {4, 5, 6}, Duration{2'000'000'001}});

  const std::vector<double> linear = {twist.linear.x, twist.linear.y, twist.linear.z};
  const std::vector<double> angular = {twist.angular.x, twist.angular.y, twist.angular.z};
  std::string spec = "{\"twist\": {\"linear\": " + Nums(linear) +
                     ", \"angular\": " + Nums(angular) + "}, \"trajectory\": {" +
                     "\"stamp\": [4, 500], \"frame_id\": \"base_link\", " +
                     "\"joint_names\": [\"shoulder\", \"elbow\", \"wrist\"], \"points\": [";
  for (std::size_t i = 0; i < trajectory.points.size(); ++i) {
    const JointTrajectoryPoint& p = trajectory.points[i];
    const std::int64_t ns = p.time_from_start.nanoseconds;
    spec += std::string(i ? ", " : "") + "{\"positions\": " + Nums(p.positions) +
            ", \"velocities\": " + Nums(p.velocities) +
            ", \"accelerations\": " + Nums(p.accelerations) + ", \"effort\": " + Nums(p.effort) +
            ", \"time_from_start\": [" + std::to_string(ns / 1'000'000'000) + ", " +
            std::to_string(ns % 1'000'000'000) + "]}";
  }
  spec += "]}}";
  const std::string spec_path = (roscore.home() / "commands.json").string();
  std::ofstream(spec_path) << spec;

  const testing::ProcessResult peer = RunPeer(roscore, {"commands", "30", spec_path});
  INFO(peer.err);
  REQUIRE(peer.exit_code == 0);
  REQUIRE(testing::WaitFor([&] {
    std::lock_guard lock(mutex);
    return !twists.empty() && !trajectories.empty();
  }));

  std::lock_guard lock(mutex);
  const Twist& t = twists.front();
  CHECK(Same({t.linear.x, t.linear.y, t.linear.z}, linear));
  CHECK(Same({t.angular.x, t.angular.y, t.angular.z}, angular));
  const JointTrajectory& j = trajectories.front();
  CHECK(j.header.stamp == trajectory.header.stamp);
  CHECK(j.header.frame_id == "base_link");
  CHECK(j.joint_names == trajectory.joint_names);
  REQUIRE(j.points.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    CAPTURE(i);
    CHECK(Same(j.points[i].positions, trajectory.points[i].positions));
    CHECK(Same(j.points[i].velocities, trajectory.points[i].velocities));
    CHECK(Same(j.points[i].accelerations, trajectory.points[i].accelerations));
    CHECK(Same(j.points[i].effort, trajectory.points[i].effort));
    CHECK(j.points[i].time_from_start == trajectory.points[i].time_from_start);
  }
}

TEST_CASE("ROS 1 transport: a message whose lengths lie is dropped, the next one arrives") {
  Roscore roscore;
  Ros1Transport transport(testing::OptionsFor(roscore));
  std::mutex mutex;
  std::vector<JointTrajectory> trajectories;
  Subscribe<JointTrajectory>(transport, "/arm/joint_trajectory", Qos::Commands(),
                             [&](const JointTrajectory& t) {
                               std::lock_guard lock(mutex);
                               trajectories.push_back(t);
                             });
  const testing::ProcessResult peer = RunPeer(roscore, {"hostile", "30"});
  INFO(peer.err);
  REQUIRE(peer.exit_code == 0);
  REQUIRE(testing::WaitFor([&] {
    std::lock_guard lock(mutex);
    return !trajectories.empty();
  }));
  std::lock_guard lock(mutex);
  for (const JointTrajectory& t : trajectories) {
    CHECK(t.joint_names == std::vector<std::string>{"after"});
    CHECK(t.points.empty());
  }
}

TEST_CASE(
    "ROS 1 transport: rospy calls of SetBool, Trigger and StepSimulation get the handlers' "
    "answers") {
  Roscore roscore;
  Ros1Transport transport(testing::OptionsFor(roscore));
  std::atomic<bool> gripper_on{false};
  std::atomic<std::uint64_t> stepped{0};
  Serve<SetBool>(transport, "/gripper", [&](const SetBool::Request& request) {
    gripper_on = request.data;
    return SetBool::Response{true, request.data ? "gripper on" : "gripper off"};
  });
  Serve<Trigger>(transport, "/reset", [](const Trigger::Request&) {
    return Trigger::Response{false, "not now"};
  });
  Serve<StepSimulation>(transport, "/step", [&](const StepSimulation::Request& request) {
    stepped += request.steps;
    return StepSimulation::Response{true, "stepped " + std::to_string(request.steps)};
  });

  const testing::ProcessResult peer = RunPeer(roscore, {"services", "30"});
  INFO(peer.err);
  REQUIRE(peer.exit_code == 0);
  const json got = json::parse(peer.out);
  CHECK(got.at("gripper") == json({{"success", true}, {"message", "gripper on"}}));
  CHECK(got.at("reset") == json({{"success", false}, {"message", "not now"}}));
  CHECK(got.at("step") == json({{"success", true}, {"message", "stepped 7"}}));
  CHECK(gripper_on);
  CHECK(stepped == 7);
}

TEST_CASE("ROS 1 transport: rostopic lists every stream kind with its ROS type") {
  Roscore roscore;
  Ros1Transport transport(testing::OptionsFor(roscore));
  for (std::size_t k = 0; k < kMessageKindCount; ++k) {
    transport.Advertise("/kind" + std::to_string(k), static_cast<MessageKind>(k), Qos::Sensor());
  }
  REQUIRE(transport.WaitForRegistration(kRegistered));

  const testing::ProcessResult list =
      testing::RunProcess({"/usr/bin/rostopic", "list", "-v"}, roscore.Env());
  INFO(list.out << list.err);
  REQUIRE(list.exit_code == 0);
  for (std::size_t k = 0; k < kMessageKindCount; ++k) {
    const std::string line = " * /kind" + std::to_string(k) + " [" +
                             std::string(RosTypeName(static_cast<MessageKind>(k))) +
                             "] 1 publisher";
    CHECK(list.out.find(line) != std::string::npos);
  }
}

}  // namespace
}  // namespace twin::bridge
