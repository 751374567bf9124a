#include <twin/scenes/pose.h>

#include <cmath>
#include <numbers>
#include <sstream>

namespace twin::scenes {
namespace {
constexpr double kDegToRad = std::numbers::pi / 180.0;

Quat AxisAngle(const Vec3& axis, double angle_rad) {
  const double s = std::sin(angle_rad / 2);
  return {std::cos(angle_rad / 2), axis[0] * s, axis[1] * s, axis[2] * s};
}

std::string Join(const double* values, int n) {
  std::ostringstream out;
  out.precision(12);
  for (int i = 0; i < n; ++i) {
    // Snap float noise such as 6.1e-17 to 0 so exported files read cleanly.
    const double v = std::abs(values[i]) < 1e-12 ? 0.0 : values[i];
    out << (i ? " " : "") << v;
  }
  return out.str();
}
}  // namespace

Quat QuatFromYawDeg(double yaw_deg) {
  return AxisAngle({0, 0, 1}, yaw_deg * kDegToRad);
}

Quat QuatFromRpyDeg(const Vec3& rpy_deg) {
  const Quat roll = AxisAngle({1, 0, 0}, rpy_deg[0] * kDegToRad);
  const Quat pitch = AxisAngle({0, 1, 0}, rpy_deg[1] * kDegToRad);
  const Quat yaw = AxisAngle({0, 0, 1}, rpy_deg[2] * kDegToRad);
  return Multiply(yaw, Multiply(pitch, roll));
}

Quat Multiply(const Quat& a, const Quat& b) {
  return {a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3],
          a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2],
          a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1],
          a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0]};
}

Vec3 Rotate(const Quat& q, const Vec3& v) {
  const Quat p{0, v[0], v[1], v[2]};
  const Quat conj{q[0], -q[1], -q[2], -q[3]};
  const Quat r = Multiply(Multiply(q, p), conj);
  return {r[1], r[2], r[3]};
}

Pose Compose(const Pose& parent, const Pose& child) {
  const Vec3 moved = Rotate(parent.orientation, child.position);
  return {
      {parent.position[0] + moved[0], parent.position[1] + moved[1], parent.position[2] + moved[2]},
      Multiply(parent.orientation, child.orientation)};
}

Pose Offset(const Pose& pose, const Vec3& offset) {
  return Compose(pose, {offset, {1, 0, 0, 0}});
}

std::string ToMjcf(const Vec3& v) {
  return Join(v.data(), 3);
}
std::string ToMjcf(const Quat& q) {
  return Join(q.data(), 4);
}

}  // namespace twin::scenes
