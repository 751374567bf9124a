#include <twin/base/error.h>
#include <twin/sim/joint_trajectory.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace twin::sim {
namespace {

[[noreturn]] void Fail(size_t point, const std::string& message) {
  throw base::Error("joint trajectory point " + std::to_string(point) + ": " + message);
}

void CheckValues(size_t point, const char* what, const std::vector<double>& values, size_t n) {
  if (values.size() != n) {
    Fail(point, std::string("has ") + std::to_string(values.size()) + " " + what + " for " +
                    std::to_string(n) + " joints");
  }
  for (size_t j = 0; j < n; ++j) {
    if (!std::isfinite(values[j])) {
      Fail(point, std::string(what) + "[" + std::to_string(j) + "] is not a finite number");
    }
  }
}

// Velocities at the waypoints of a cubic spline with continuous acceleration, at rest at both
// ends: for each inner knot k (segments h0 before, h1 after)
//   v[k-1]/h0 + 2 v[k] (1/h0 + 1/h1) + v[k+1]/h1 = 3 ((y[k]-y[k-1])/h0^2 + (y[k+1]-y[k])/h1^2),
// a tridiagonal system solved by the Thomas algorithm.
std::vector<double> SplineVelocities(const std::vector<double>& t, const std::vector<double>& y) {
  const size_t n = t.size();
  std::vector<double> v(n, 0.0);
  if (n < 3) return v;
  const size_t m = n - 2;  // unknowns v[1..n-2]
  std::vector<double> lower(m), diag(m), upper(m), rhs(m);
  for (size_t i = 0; i < m; ++i) {
    const size_t k = i + 1;
    const double h0 = t[k] - t[k - 1], h1 = t[k + 1] - t[k];
    lower[i] = 1 / h0;
    diag[i] = 2 * (1 / h0 + 1 / h1);
    upper[i] = 1 / h1;
    rhs[i] = 3 * ((y[k] - y[k - 1]) / (h0 * h0) + (y[k + 1] - y[k]) / (h1 * h1));
  }
  for (size_t i = 1; i < m; ++i) {  // forward elimination (diagonally dominant: stable)
    const double w = lower[i] / diag[i - 1];
    diag[i] -= w * upper[i - 1];
    rhs[i] -= w * rhs[i - 1];
  }
  for (size_t i = m; i-- > 0;) {
    const double next = i + 1 < m ? v[i + 2] : 0.0;
    v[i + 1] = (rhs[i] - upper[i] * next) / diag[i];
  }
  return v;
}

}  // namespace

JointTrajectory::JointTrajectory(std::vector<TrajectoryPoint> points) : points_(std::move(points)) {
  if (points_.empty()) throw base::Error("a joint trajectory needs at least one point");
  joints_ = points_.front().positions.size();
  if (joints_ == 0) Fail(0, "has no positions");
  const bool velocities = !points_.front().velocities.empty();
  const bool quintic = !points_.front().accelerations.empty();
  for (size_t i = 0; i < points_.size(); ++i) {
    const TrajectoryPoint& p = points_[i];
    if (!std::isfinite(p.time) || p.time < 0) Fail(i, "the time must be >= 0 seconds");
    if (i > 0 && !(p.time > points_[i - 1].time)) {
      Fail(i, "times must increase from point to point (" + std::to_string(p.time) + " s follows " +
                  std::to_string(points_[i - 1].time) + " s)");
    }
    CheckValues(i, "positions", p.positions, joints_);
    if (p.velocities.empty() == velocities || p.accelerations.empty() == quintic) {
      Fail(i,
           "every point must give the same values (positions; positions and velocities; or "
           "positions, velocities and accelerations)");
    }
    if (velocities) CheckValues(i, "velocities", p.velocities, joints_);
    if (quintic) CheckValues(i, "accelerations", p.accelerations, joints_);
  }
  if (quintic && !velocities) Fail(0, "accelerations need velocities too");
  interpolation_ = quintic      ? Interpolation::kQuintic
                   : velocities ? Interpolation::kCubic
                                : Interpolation::kSpline;
  if (!velocities) {
    std::vector<double> t;
    for (const TrajectoryPoint& p : points_) t.push_back(p.time);
    for (TrajectoryPoint& p : points_) p.velocities.assign(joints_, 0.0);
    for (size_t j = 0; j < joints_; ++j) {
      std::vector<double> y;
      for (const TrajectoryPoint& p : points_) y.push_back(p.positions[j]);
      const std::vector<double> v = SplineVelocities(t, y);
      for (size_t i = 0; i < points_.size(); ++i) points_[i].velocities[j] = v[i];
    }
  }
}

TrajectorySample JointTrajectory::Sample(double time) const {
  TrajectorySample s;
  s.position.resize(joints_);
  s.velocity.assign(joints_, 0.0);
  s.acceleration.assign(joints_, 0.0);
  if (time <= points_.front().time || points_.size() == 1) {
    s.position = points_.front().positions;
    return s;
  }
  if (time >= points_.back().time) {
    s.position = points_.back().positions;
    return s;
  }
  // The segment [a, b] that holds `time`.
  const auto after =
      std::upper_bound(points_.begin(), points_.end(), time,
                       [](double t, const TrajectoryPoint& p) { return t < p.time; });
  const TrajectoryPoint& a = *(after - 1);
  const TrajectoryPoint& b = *after;
  const double h = b.time - a.time, tau = time - a.time, x = tau / h;
  for (size_t j = 0; j < joints_; ++j) {
    const double p0 = a.positions[j], p1 = b.positions[j];
    const double v0 = a.velocities[j], v1 = b.velocities[j];
    if (interpolation_ == Interpolation::kQuintic) {
      // p(tau) = c0 + c1 tau + ... + c5 tau^5 matching position, velocity, acceleration at both
      // ends.
      const double a0 = a.accelerations[j], a1 = b.accelerations[j], d = p1 - p0;
      const double c3 = (20 * d - (8 * v1 + 12 * v0) * h - (3 * a0 - a1) * h * h) / (2 * h * h * h);
      const double c4 =
          (-30 * d + (14 * v1 + 16 * v0) * h + (3 * a0 - 2 * a1) * h * h) / (2 * h * h * h * h);
      const double c5 = (12 * d - 6 * (v1 + v0) * h - (a0 - a1) * h * h) / (2 * h * h * h * h * h);
      const double t2 = tau * tau, t3 = t2 * tau, t4 = t3 * tau, t5 = t4 * tau;
      s.position[j] = p0 + v0 * tau + a0 / 2 * t2 + c3 * t3 + c4 * t4 + c5 * t5;
      s.velocity[j] = v0 + a0 * tau + 3 * c3 * t2 + 4 * c4 * t3 + 5 * c5 * t4;
      s.acceleration[j] = a0 + 6 * c3 * tau + 12 * c4 * t2 + 20 * c5 * t3;
    } else {
      // Cubic Hermite basis on x = tau / h.
      const double x2 = x * x, x3 = x2 * x;
      s.position[j] = (2 * x3 - 3 * x2 + 1) * p0 + (x3 - 2 * x2 + x) * h * v0 +
                      (-2 * x3 + 3 * x2) * p1 + (x3 - x2) * h * v1;
      s.velocity[j] = ((6 * x2 - 6 * x) * p0 + (3 * x2 - 4 * x + 1) * h * v0 +
                       (-6 * x2 + 6 * x) * p1 + (3 * x2 - 2 * x) * h * v1) /
                      h;
      s.acceleration[j] =
          ((12 * x - 6) * p0 + (6 * x - 4) * h * v0 + (-12 * x + 6) * p1 + (6 * x - 2) * h * v1) /
          (h * h);
    }
  }
  return s;
}

}  // namespace twin::sim
