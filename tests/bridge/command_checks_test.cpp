#include <twin/bridge/command_checks.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>

namespace {
using twin::bridge::ArmTrajectory;
using twin::bridge::CommandProblem;
using twin::bridge::JointTrajectory;
using twin::bridge::JointTrajectoryPoint;
using twin::bridge::Twist;

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

std::string AllText(const std::vector<CommandProblem>& problems) {
  std::string text;
  for (const CommandProblem& p : problems) text += p.text + "\n";
  return text;
}

twin::scenes::ArmSpec Arm() {
  twin::scenes::ArmSpec arm;
  arm.entity = "arm1";
  for (int i = 0; i < 6; ++i) {
    arm.joints[i] = "arm1/joint" + std::to_string(i + 1);
    arm.lower[i] = -M_PI;
    arm.upper[i] = M_PI;
  }
  return arm;
}

JointTrajectory Trajectory(std::vector<std::string> names, std::vector<double> times) {
  JointTrajectory msg;
  msg.joint_names = std::move(names);
  for (double t : times) {
    JointTrajectoryPoint p;
    p.positions.assign(msg.joint_names.size(), 0.1 * t);
    p.time_from_start = twin::bridge::Duration::FromSeconds(t);
    msg.points.push_back(p);
  }
  return msg;
}
}  // namespace

TEST_CASE(
    "an AMR's cmd_vel: NaN and infinity reject it, speeds beyond the limits are clamped, "
    "sideways motion is ignored, each named by topic and field",
    "[bridge][commands]") {
  twin::scenes::AmrSpec amr;
  amr.max_speed = 1.5;
  amr.max_angular_speed = 1.0;
  Twist ok;
  ok.linear.x = 0.5;
  ok.angular.z = -0.2;
  auto good = twin::bridge::CheckAmrTwist("/amr1/cmd_vel", ok, amr);
  REQUIRE(good.value);
  CHECK(good.value->v == 0.5);
  CHECK(good.value->omega == -0.2);
  CHECK(good.problems.empty());

  for (double bad : {kNaN, kInf, -kInf}) {
    Twist t = ok;
    t.angular.z = bad;
    auto r = twin::bridge::CheckAmrTwist("/amr1/cmd_vel", t, amr);
    CHECK_FALSE(r.value);
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].key == "/amr1/cmd_vel angular.z");
    CHECK_THAT(r.problems[0].text, Catch::StartsWith("/amr1/cmd_vel: angular.z is "));
  }
  Twist fast = ok;
  fast.linear.x = 9;
  fast.linear.y = 0.3;
  auto clamped = twin::bridge::CheckAmrTwist("/amr1/cmd_vel", fast, amr);
  REQUIRE(clamped.value);
  CHECK(clamped.value->v == 1.5);
  CHECK_THAT(AllText(clamped.problems), Catch::Contains("linear.x 9 m/s is beyond the limit; "
                                                        "clamped to 1.5") &&
                                            Catch::Contains("linear.y 0.3 ignored"));
}

TEST_CASE("a forklift's cmd_vel steers its rear wheel as a bicycle would", "[bridge][commands]") {
  twin::scenes::ForkliftSpec f;
  Twist t;
  t.linear.x = 1.0;
  t.angular.z = 0.3;  // turn left
  auto r = twin::bridge::CheckForkliftTwist("/fl/cmd_vel", t, f);
  REQUIRE(r.value);
  // The truck's own kinematics (sim/forklift_drive.h): yaw rate = -v tan(steer) / wheelbase.
  CHECK(-r.value->speed * std::tan(r.value->steer) / f.wheelbase == Approx(0.3));
  t.linear.x = -1.0;  // backwards, still turning left
  r = twin::bridge::CheckForkliftTwist("/fl/cmd_vel", t, f);
  CHECK(-r.value->speed * std::tan(r.value->steer) / f.wheelbase == Approx(0.3));
  t.linear.x = 0.01;  // far too tight a turn for the steering
  r = twin::bridge::CheckForkliftTwist("/fl/cmd_vel", t, f);
  REQUIRE(r.value);
  CHECK(std::abs(r.value->steer) == Approx(f.max_steer));
  CHECK_THAT(AllText(r.problems), Catch::Contains("needs more steering"));
}

TEST_CASE("set-points are clamped, and NaN rejects them", "[bridge][commands]") {
  auto r = twin::bridge::CheckSetPoint("/fl/lift", 5, 0, 3, "m");
  REQUIRE(r.value);
  CHECK(*r.value == 3);
  CHECK_THAT(AllText(r.problems), Catch::Contains("/fl/lift: data 5 m is beyond the limit"));
  CHECK_FALSE(twin::bridge::CheckSetPoint("/fl/lift", kNaN, 0, 3, "m").value);
}

TEST_CASE("an arm trajectory is reordered to the arm's joints and timed from its stamp",
          "[bridge][commands]") {
  const auto arm = Arm();
  auto msg = Trajectory({"joint3", "joint1", "joint2", "arm1/joint4", "joint5", "joint6"}, {1, 2});
  msg.points[1].positions = {0.3, 0.1, 0.2, 0.4, 0.5, 0.6};
  msg.header.stamp = twin::bridge::Time::FromSeconds(12.5);
  auto r = twin::bridge::CheckArmTrajectory("/arm1/joint_trajectory", msg, arm, 10.0);
  REQUIRE(r.value);
  CHECK(r.problems.empty());
  CHECK(r.value->start == 12.5);
  REQUIRE(r.value->points.size() == 2);
  CHECK(r.value->points[1].positions == std::vector<double>{0.1, 0.2, 0.3, 0.4, 0.5, 0.6});
  msg.header.stamp = {};  // 0: now
  CHECK(twin::bridge::CheckArmTrajectory("/t", msg, arm, 10.0).value->start == 10.0);
}

TEST_CASE(
    "an arm trajectory with a wrong joint, a wrong length, a NaN, a limit or a time that "
    "does not increase is rejected with the field named",
    "[bridge][commands]") {
  const auto arm = Arm();
  const std::vector<std::string> names = {"joint1", "joint2", "joint3",
                                          "joint4", "joint5", "joint6"};
  auto expect_rejected = [&](const JointTrajectory& msg, const std::string& text) {
    auto r = twin::bridge::CheckArmTrajectory("/arm1/joint_trajectory", msg, arm, 0);
    CHECK_FALSE(r.value);
    CHECK_THAT(AllText(r.problems), Catch::Contains(text));
  };
  auto unknown = Trajectory(names, {1});
  unknown.joint_names[2] = "elbow";
  expect_rejected(unknown, "joint_names[2] 'elbow' is not a joint of arm1 (joint1, joint2");
  auto twice = Trajectory(names, {1});
  twice.joint_names[5] = "joint1";
  expect_rejected(twice, "'joint1' appears twice");
  expect_rejected(Trajectory({"joint1", "joint2"}, {1}),
                  "joint_names has 2 joints; arm1 needs all 6");
  expect_rejected(Trajectory(names, {}), "points is empty");
  auto short_point = Trajectory(names, {1, 2});
  short_point.points[1].positions.pop_back();
  expect_rejected(short_point, "points[1].positions has 5 values for 6 joints");
  auto velocities = Trajectory(names, {1});
  velocities.points[0].velocities = {0, 0};
  expect_rejected(velocities, "points[0].velocities has 2 values");
  auto nan = Trajectory(names, {1, 2});
  nan.points[1].positions[4] = kNaN;
  expect_rejected(nan, "points[1].positions[4] is nan");
  auto limit = Trajectory(names, {1});
  limit.points[0].positions[0] = 4;
  expect_rejected(limit, "points[0].positions[0] = 4 rad is outside joint1's limits");
  expect_rejected(Trajectory(names, {1, 1}), "points[1].time_from_start 1 s does not increase");
  expect_rejected(Trajectory(names, {2, 1}), "points[1].time_from_start 1 s does not increase");
  auto negative = Trajectory(names, {1});
  negative.points[0].time_from_start = twin::bridge::Duration::FromSeconds(-1);
  expect_rejected(negative, "points[0].time_from_start -1 s");
}
