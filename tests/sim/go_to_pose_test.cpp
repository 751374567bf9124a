// GoToPose against an ideal unicycle integrated here (x' = v cos yaw, y' = v sin yaw,
// yaw' = omega), with the commands rate-limited as a drive does.
#include <twin/sim/go_to_pose.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

using twin::sim::GoToPose;
using twin::sim::GoToPoseLimits;
using twin::sim::Pose2d;
using twin::sim::Twist2d;

namespace {

struct Trip {
  Pose2d end;
  double path_length = 0;
  double first_v = 0;  // the first non-zero speed command
  bool reached = false;
  double peak_speed = 0, peak_angular_speed = 0;
};

Trip Drive(const Pose2d& start, const Pose2d& goal, const GoToPoseLimits& limits) {
  GoToPose controller(goal, limits);
  Trip trip;
  Pose2d pose = start;
  Twist2d velocity;
  const double dt = 0.002;
  for (int step = 0; step < 60 / dt && !controller.reached(); ++step) {
    const Twist2d command = controller.Update(pose);
    if (trip.first_v == 0 && std::abs(command.v) > 1e-9) trip.first_v = command.v;
    trip.peak_speed = std::max(trip.peak_speed, std::abs(command.v));
    trip.peak_angular_speed = std::max(trip.peak_angular_speed, std::abs(command.omega));
    velocity.v += std::clamp(command.v - velocity.v, -limits.max_acceleration * dt,
                             limits.max_acceleration * dt);
    velocity.omega +=
        std::clamp(command.omega - velocity.omega, -limits.max_angular_acceleration * dt,
                   limits.max_angular_acceleration * dt);
    const double yaw = pose.yaw + velocity.omega * dt / 2;
    pose.x += velocity.v * dt * std::cos(yaw);
    pose.y += velocity.v * dt * std::sin(yaw);
    pose.yaw += velocity.omega * dt;
    trip.path_length += std::abs(velocity.v) * dt;
  }
  trip.end = pose;
  trip.reached = controller.reached();
  return trip;
}

double AngleBetween(double a, double b) {
  return std::abs(std::remainder(a - b, 2 * M_PI));
}

}  // namespace

TEST_CASE("GoToPose reaches goals all around, within its tolerances", "[sim][go_to_pose]") {
  GoToPoseLimits limits;
  limits.max_speed = 1.5;
  limits.max_acceleration = 0.5;
  const double angle = GENERATE(range(0, 360, 30));
  const double heading = GENERATE(-2.5, 0.0, 1.0);
  const double a = angle * M_PI / 180;
  const Pose2d goal{3 * std::cos(a), 3 * std::sin(a), heading};
  const Trip trip = Drive({0, 0, 0}, goal, limits);
  REQUIRE(trip.reached);
  // The tolerances hold at the moment of reaching; the ideal unicycle brakes within 1 mm more.
  CHECK(std::hypot(trip.end.x - goal.x, trip.end.y - goal.y) < limits.position_tolerance + 1e-3);
  CHECK(AngleBetween(trip.end.yaw, goal.yaw) < limits.yaw_tolerance + 1e-3);
  // It drives straight at the goal: no detours, no orbits.
  CHECK(trip.path_length < 3 * 1.02);
  CHECK(trip.peak_speed <= limits.max_speed);
  CHECK(trip.peak_angular_speed <= limits.max_angular_speed);
}

TEST_CASE("GoToPose backs up to a goal just behind instead of turning round", "[sim][go_to_pose]") {
  GoToPoseLimits limits;
  const Trip trip = Drive({0, 0, 0}, {-0.5, 0, 0}, limits);
  REQUIRE(trip.reached);
  CHECK(trip.first_v < 0);
  CHECK(trip.path_length < 0.52);
  // Further away than reverse_distance it turns round and drives forwards.
  const Trip far = Drive({0, 0, 0}, {-3, 0, 0}, limits);
  REQUIRE(far.reached);
  CHECK(far.first_v > 0);
}

TEST_CASE("GoToPose commands nothing once the goal is reached", "[sim][go_to_pose]") {
  GoToPose controller({1, 1, 0.5}, GoToPoseLimits{});
  const Twist2d at_goal = controller.Update({1, 1, 0.5});
  CHECK(controller.reached());
  CHECK(at_goal.v == 0);
  CHECK(at_goal.omega == 0);
  const Twist2d later = controller.Update({0, 0, 0});
  CHECK(later.v == 0);
  CHECK(later.omega == 0);
}
