// The in-process transport: what tests of the hil layer will stand on.
#include <catch2/catch.hpp>

#include <twin/bridge/in_process_transport.h>

#include <cmath>
#include <limits>

namespace twin::bridge {
namespace {

TEST_CASE("In-process transport: a typed publisher's messages are recorded in order, moved in") {
  InProcessTransport transport;
  Publisher<Image> camera(transport, "/cam/image_raw", Qos::Sensor(1));
  Publisher<Clock> clock(transport, "/clock", Qos::Commands());

  Image image;
  image.header = {Time::FromSeconds(1.5), "cam_optical"};
  image.width = 2;
  image.height = 1;
  image.encoding = "rgb8";
  image.step = 6;
  image.data = {1, 2, 3, 4, 5, 6};
  camera.Publish(std::move(image));
  clock.Publish({Time::FromSeconds(0.25)});
  clock.Publish({Time::FromSeconds(0.5)});

  const std::optional<InProcessTransport::Stream> cam = transport.FindStream("/cam/image_raw");
  REQUIRE(cam);
  CHECK(cam->kind == MessageKind::kImage);
  CHECK(cam->qos.reliability == Reliability::kBestEffort);
  CHECK(cam->qos.depth == 1);
  REQUIRE(cam->published.size() == 1);
  const Image& got = std::get<Image>(cam->published[0]);
  CHECK(got.header.stamp.nanoseconds == 1'500'000'000);
  CHECK(got.header.frame_id == "cam_optical");
  CHECK(got.data == std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6});

  const std::vector<InProcessTransport::Stream> streams = transport.Streams();
  REQUIRE(streams.size() == 2);
  REQUIRE(streams[1].published.size() == 2);
  CHECK(std::get<Clock>(streams[1].published[1]).clock.nanoseconds == 500'000'000);

  CHECK(transport.PublishedCount("/clock") == 2);
  CHECK(transport.PublishedCount("/not_advertised") == 0);
  REQUIRE(transport.LastPublished("/clock"));
  CHECK(std::get<Clock>(*transport.LastPublished("/clock")).clock.nanoseconds == 500'000'000);
  CHECK_FALSE(transport.LastPublished("/not_advertised"));
}

TEST_CASE("In-process transport: subscriber counts are what the test says peers read") {
  InProcessTransport transport;
  Publisher<Imu> imu(transport, "/imu", Qos::Sensor());
  CHECK(imu.SubscriberCount() == 0);
  transport.SetSubscriberCount("/imu", 2);
  CHECK(imu.SubscriberCount() == 2);
}

TEST_CASE("In-process transport: injected commands reach every handler of their topic only") {
  InProcessTransport transport;
  std::vector<Twist> robot_a, robot_b;
  Subscribe<Twist>(transport, "/a/cmd_vel", Qos::Commands(),
                   [&](const Twist& t) { robot_a.push_back(t); });
  Subscribe<Twist>(transport, "/b/cmd_vel", Qos::Commands(),
                   [&](const Twist& t) { robot_b.push_back(t); });

  Twist twist;
  twist.linear.x = 0.5;
  twist.angular.z = std::numeric_limits<double>::quiet_NaN();  // handed up as sent
  CHECK(transport.InjectCommand("/a/cmd_vel", twist) == 1);
  CHECK(transport.InjectCommand("/nobody", Bool{true}) == 0);
  REQUIRE(robot_a.size() == 1);
  CHECK(robot_a[0].linear.x == 0.5);
  CHECK(std::isnan(robot_a[0].angular.z));
  CHECK(robot_b.empty());
}

TEST_CASE("In-process transport: a handler may publish from inside its callback") {
  InProcessTransport transport;
  Publisher<Float64> echo(transport, "/echo", Qos::Commands());
  Subscribe<Float64>(transport, "/in", Qos::Commands(),
                     [&](const Float64& f) { echo.Publish({f.data * 2}); });
  transport.InjectCommand("/in", Float64{1.25});
  CHECK(std::get<Float64>(transport.FindStream("/echo")->published.at(0)).data == 2.5);
}

TEST_CASE("In-process transport: service calls reach the handler and its answer comes back") {
  InProcessTransport transport;
  bool gripper_on = false;
  std::uint64_t stepped = 0;
  Serve<SetBool>(transport, "/gripper", [&](const SetBool::Request& request) {
    gripper_on = request.data;
    return SetBool::Response{true, request.data ? "on" : "off"};
  });
  Serve<StepSimulation>(transport, "/step", [&](const StepSimulation::Request& request) {
    stepped += request.steps;
    return StepSimulation::Response{true, ""};
  });

  const std::optional<SetBool::Response> on = transport.CallService<SetBool>("/gripper", {true});
  REQUIRE(on);
  CHECK(on->success);
  CHECK(on->message == "on");
  CHECK(gripper_on);
  REQUIRE(transport.CallService<StepSimulation>("/step", {7}));
  CHECK(stepped == 7);
  CHECK_FALSE(transport.CallService<Trigger>("/reset", {}));
}

TEST_CASE("Message kinds follow the variant and name their ROS types") {
  STATIC_REQUIRE(KindOf<Image>() == MessageKind::kImage);
  STATIC_REQUIRE(KindOf<JointTrajectory>() == MessageKind::kJointTrajectory);
  CHECK(KindOf(Message(Odometry{})) == MessageKind::kOdometry);
  CHECK(RosTypeName(MessageKind::kTFMessage) == "tf2_msgs/TFMessage");
  CHECK(RosTypeName(MessageKind::kClock) == "rosgraph_msgs/Clock");
  CHECK(RosTypeName(MessageKind::kUInt32) == "std_msgs/UInt32");
  CHECK(RosServiceTypeName(ServiceKind::kStepSimulation) == "twin_msgs/StepSimulation");
}

TEST_CASE("Times convert from seconds to integer nanoseconds, rounding to the nearest") {
  CHECK(Time::FromSeconds(0.002).nanoseconds == 2'000'000);
  CHECK(Time::FromSeconds(12.3456789014).nanoseconds == 12'345'678'901);
  CHECK(Duration::FromSeconds(-0.5).nanoseconds == -500'000'000);
  CHECK(Time{1'250'000'000}.Seconds() == 1.25);
}

}  // namespace
}  // namespace twin::bridge
