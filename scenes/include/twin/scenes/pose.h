// Rigid poses as a site engineer writes them (metres, degrees) and as MuJoCo wants them.
#pragma once

#include <array>
#include <string>

namespace twin::scenes {

using Vec3 = std::array<double, 3>;
using Quat = std::array<double, 4>;  ///< w, x, y, z (MuJoCo's order), unit length

struct Pose {
  Vec3 position{0, 0, 0};
  Quat orientation{1, 0, 0, 0};
};

/// Rotation about +z by `yaw_deg` degrees.
Quat QuatFromYawDeg(double yaw_deg);
/// Roll, pitch, yaw in degrees: extrinsic x, then y, then z (R = Rz(yaw) Ry(pitch) Rx(roll)).
Quat QuatFromRpyDeg(const Vec3& rpy_deg);
Quat Multiply(const Quat& a, const Quat& b);
Vec3 Rotate(const Quat& q, const Vec3& v);
/// parent * child: `child` expressed in the parent's frame, returned in the parent's parent frame.
Pose Compose(const Pose& parent, const Pose& child);
/// Pose translated by `offset` expressed in its own frame.
Pose Offset(const Pose& pose, const Vec3& offset);

/// "x y z" and "w x y z" with enough digits to round-trip, for MJCF attributes.
std::string ToMjcf(const Vec3& v);
std::string ToMjcf(const Quat& q);

}  // namespace twin::scenes
