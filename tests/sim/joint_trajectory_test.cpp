// Joint trajectories: the splines pass through the waypoints with the given (or smooth) rates,
// checked against the waypoints themselves and finite differences of the samples.
#include <twin/base/error.h>
#include <twin/sim/joint_trajectory.h>

#include <catch2/catch.hpp>

using Catch::Matchers::Contains;
using twin::sim::JointTrajectory;
using twin::sim::TrajectoryPoint;

namespace {

TrajectoryPoint Point(double time, std::vector<double> positions,
                      std::vector<double> velocities = {}, std::vector<double> accelerations = {}) {
  return {time, std::move(positions), std::move(velocities), std::move(accelerations)};
}

// Central differences of position and velocity at `t` for joint `j`.
double Rate(const JointTrajectory& trajectory, double t, size_t j) {
  const double h = 1e-6;
  return (trajectory.Sample(t + h).position[j] - trajectory.Sample(t - h).position[j]) / (2 * h);
}
double Acceleration(const JointTrajectory& trajectory, double t, size_t j) {
  const double h = 1e-6;
  return (trajectory.Sample(t + h).velocity[j] - trajectory.Sample(t - h).velocity[j]) / (2 * h);
}

}  // namespace

TEST_CASE("A positions-only trajectory is a smooth spline through its waypoints", "[sim][arm]") {
  const JointTrajectory trajectory({Point(0, {0, 1}), Point(0.7, {0.8, 0.5}),
                                    Point(1.5, {-0.3, 0.9}), Point(2.1, {0.2, 0.2}),
                                    Point(3, {1, -1})});
  CHECK(trajectory.duration() == 3);
  for (const TrajectoryPoint& p : trajectory.points()) {
    const auto s = trajectory.Sample(p.time);
    for (size_t j = 0; j < 2; ++j) CHECK(s.position[j] == Approx(p.positions[j]));
  }
  for (size_t j = 0; j < 2; ++j) {
    CHECK(trajectory.Sample(0).velocity[j] == 0);  // at rest at both ends
    CHECK(trajectory.Sample(3).velocity[j] == 0);
    CHECK(Rate(trajectory, 1e-5, j) == Approx(0).margin(1e-3));
    // Velocity and acceleration are continuous through the inner waypoints, and the reported
    // rates are the derivatives of the samples.
    for (double t : {0.7, 1.5, 2.1}) {
      const double e = 1e-9;
      CHECK(trajectory.Sample(t - e).velocity[j] ==
            Approx(trajectory.Sample(t + e).velocity[j]).margin(1e-6));
      CHECK(trajectory.Sample(t - e).acceleration[j] ==
            Approx(trajectory.Sample(t + e).acceleration[j]).margin(1e-5));
    }
    for (double t : {0.3, 1.1, 1.9, 2.6}) {
      CHECK(trajectory.Sample(t).velocity[j] == Approx(Rate(trajectory, t, j)).margin(1e-5));
      CHECK(trajectory.Sample(t).acceleration[j] ==
            Approx(Acceleration(trajectory, t, j)).margin(1e-4));
    }
  }
  // Outside its time span it holds the end points.
  CHECK(trajectory.Sample(-1).position[0] == 0);
  CHECK(trajectory.Sample(10).position[1] == -1);
}

TEST_CASE("Given velocities make cubic segments, given accelerations quintic ones", "[sim][arm]") {
  const JointTrajectory cubic({Point(0, {0}, {0.5}), Point(1, {1}, {-0.2}), Point(2, {0}, {0})});
  CHECK(cubic.interpolation() == twin::sim::Interpolation::kCubic);
  CHECK(cubic.Sample(1).position[0] == Approx(1));
  CHECK(Rate(cubic, 1e-5, 0) == Approx(0.5).margin(1e-4));
  CHECK(cubic.Sample(1 - 1e-9).velocity[0] == Approx(-0.2));
  CHECK(Rate(cubic, 0.4, 0) == Approx(cubic.Sample(0.4).velocity[0]).margin(1e-6));

  const JointTrajectory quintic(
      {Point(0, {0}, {0}, {1}), Point(1.2, {0.6}, {0.3}, {-0.4}), Point(2, {0.5}, {0}, {0})});
  CHECK(quintic.interpolation() == twin::sim::Interpolation::kQuintic);
  // At both sides of each waypoint: that waypoint's position, velocity and acceleration.
  struct Expected {
    double t, p, v, a;
  };
  for (const Expected& e : {Expected{1e-9, 0, 0, 1}, Expected{1.2 - 1e-9, 0.6, 0.3, -0.4},
                            Expected{1.2 + 1e-9, 0.6, 0.3, -0.4}}) {
    const auto s = quintic.Sample(e.t);
    CHECK(s.position[0] == Approx(e.p).margin(1e-7));
    CHECK(s.velocity[0] == Approx(e.v).margin(1e-7));
    CHECK(s.acceleration[0] == Approx(e.a).margin(1e-6));
  }
  CHECK(Acceleration(quintic, 1.6, 0) == Approx(quintic.Sample(1.6).acceleration[0]).margin(1e-4));
}

TEST_CASE("Bad trajectories are refused naming the point", "[sim][arm]") {
  CHECK_THROWS_WITH(JointTrajectory({}), Contains("at least one point"));
  CHECK_THROWS_WITH(JointTrajectory({Point(0, {0, 0}), Point(0, {1, 1})}),
                    Contains("point 1: times must increase"));
  CHECK_THROWS_WITH(JointTrajectory({Point(-1, {0})}), Contains("point 0: the time must be >= 0"));
  CHECK_THROWS_WITH(JointTrajectory({Point(0, {0, 0}), Point(1, {1})}),
                    Contains("point 1: has 1 positions for 2 joints"));
  CHECK_THROWS_WITH(JointTrajectory({Point(0, {0}, {0}), Point(1, {1})}),
                    Contains("point 1: every point must give the same values"));
  CHECK_THROWS_WITH(JointTrajectory({Point(0, {0}, {}, {0})}),
                    Contains("accelerations need velocities"));
  CHECK_THROWS_WITH(JointTrajectory({Point(0, {std::nan("")})}),
                    Contains("positions[0] is not a finite number"));
}
