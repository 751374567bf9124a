#include <twin/sim/arm_kinematics.h>

#include <mujoco/mujoco.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace twin::sim {
namespace {

using scenes::Pose;
constexpr double kPi = std::numbers::pi;

// A homogeneous transform, row-major: rotation in [0..2], [4..6], [8..10]; translation in 3, 7, 11.
using Mat4 = std::array<double, 16>;

Mat4 Mul(const Mat4& a, const Mat4& b) {
  Mat4 out{};
  for (int r = 0; r < 4; ++r) {
    for (int c = 0; c < 4; ++c) {
      double sum = 0;
      for (int k = 0; k < 4; ++k) sum += a[r * 4 + k] * b[k * 4 + c];
      out[r * 4 + c] = sum;
    }
  }
  return out;
}

Mat4 InverseRigid(const Mat4& t) {
  Mat4 out{};
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) out[r * 4 + c] = t[c * 4 + r];
    out[r * 4 + 3] = -(t[r] * t[3] + t[4 + r] * t[7] + t[8 + r] * t[11]);
  }
  out[15] = 1;
  return out;
}

// One link of the standard DH convention: Rz(theta) Tz(d) Tx(a) Rx(alpha).
Mat4 Dh(double theta, double d, double a, double alpha) {
  const double ct = std::cos(theta), st = std::sin(theta);
  const double ca = std::cos(alpha), sa = std::sin(alpha);
  return {ct, -st * ca, st * sa, a * ct, st, ct * ca, -ct * sa, a * st, 0, sa, ca, d, 0, 0, 0, 1};
}

Mat4 FromPose(const Pose& p) {
  mjtNum rot[9];
  mju_quat2Mat(rot, p.orientation.data());
  return {rot[0], rot[1], rot[2], p.position[0], rot[3], rot[4], rot[5], p.position[1],
          rot[6], rot[7], rot[8], p.position[2], 0,      0,      0,      1};
}

Pose ToPose(const Mat4& t) {
  const mjtNum rot[9] = {t[0], t[1], t[2], t[4], t[5], t[6], t[8], t[9], t[10]};
  Pose p;
  p.position = {t[3], t[7], t[11]};
  mju_mat2Quat(p.orientation.data(), rot);
  return p;
}

struct DhRow {
  double d, a, alpha;
};

std::array<DhRow, 6> Table(const scenes::UrDhTable& dh) {
  return {{{dh.d1, 0, kPi / 2},
           {0, dh.a2, 0},
           {0, dh.a3, 0},
           {dh.d4, 0, kPi / 2},
           {dh.d5, 0, -kPi / 2},
           {dh.d6, 0, 0}}};
}

double Wrap(double angle) {  // to (-pi, pi]
  angle = std::remainder(angle, 2 * kPi);
  return angle <= -kPi ? angle + 2 * kPi : angle;
}

// acos of a value that rounding may have pushed just past +-1; NaN when it is truly out of range.
double SafeAcos(double x) {
  if (x > 1 && x < 1 + 1e-9) x = 1;
  if (x < -1 && x > -1 - 1e-9) x = -1;
  return std::acos(x);
}

bool SamePose(const Pose& a, const Pose& b) {
  const double dp = std::hypot(a.position[0] - b.position[0], a.position[1] - b.position[1],
                               a.position[2] - b.position[2]);
  double dot = 0;
  for (int i = 0; i < 4; ++i) dot += a.orientation[i] * b.orientation[i];
  return dp < 1e-6 && std::abs(dot) > 1 - 1e-10;
}

}  // namespace

Pose InversePose(const Pose& pose) {
  const scenes::Quat conj{pose.orientation[0], -pose.orientation[1], -pose.orientation[2],
                          -pose.orientation[3]};
  const scenes::Vec3 back = scenes::Rotate(conj, pose.position);
  return {{-back[0], -back[1], -back[2]}, conj};
}

Pose ToolDownPose(const scenes::Vec3& position, double yaw_rad) {
  // A half turn about x flips +z down; the yaw then turns it about the vertical.
  const scenes::Quat yaw{std::cos(yaw_rad / 2), 0, 0, std::sin(yaw_rad / 2)};
  return {position, scenes::Multiply(yaw, {0, 1, 0, 0})};
}

ArmKinematics::ArmKinematics(const scenes::UrDhTable& dh, const JointVector& lower,
                             const JointVector& upper, const Pose& base)
    : dh_(dh), lower_(lower), upper_(upper), base_(base) {}

ArmKinematics::ArmKinematics(const scenes::ArmSpec& arm)
    : ArmKinematics(arm.dh, arm.lower, arm.upper, arm.base) {}

Pose ArmKinematics::Forward(const JointVector& q, const Pose& tool) const {
  const std::array<DhRow, 6> table = Table(dh_);
  Mat4 t = FromPose(base_);
  for (int k = 0; k < 6; ++k) t = Mul(t, Dh(q[k], table[k].d, table[k].a, table[k].alpha));
  return scenes::Compose(ToPose(t), tool);
}

std::vector<JointVector> ArmKinematics::Solutions(const Pose& target, const Pose& tool,
                                                  double q6_hint) const {
  const std::array<DhRow, 6> table = Table(dh_);
  const double d4 = dh_.d4, d6 = dh_.d6, a2 = dh_.a2, a3 = dh_.a3;
  // The flange in the base frame: n, o, a are its axes, p its origin.
  const Mat4 t = FromPose(scenes::Compose(InversePose(base_), Compose(target, InversePose(tool))));
  const double nx = t[0], ny = t[4], ox = t[1], oy = t[5], ax = t[2], ay = t[6];
  const double px = t[3], py = t[7];

  std::vector<JointVector> out;
  // Joint 1: the wrist centre (frame 5's origin) lies d4 off the arm's plane along joint 2's axis.
  const double p5x = px - d6 * ax, p5y = py - d6 * ay;
  const double r = std::hypot(p5x, p5y);
  if (r < 1e-12) return out;  // on the base axis: the shoulder cannot be placed
  const double shoulder = SafeAcos(d4 / r);
  if (std::isnan(shoulder)) return out;
  for (const double s1 : {1.0, -1.0}) {
    const double q1 = std::atan2(p5y, p5x) + s1 * shoulder + kPi / 2;
    const double c1 = std::cos(q1), sn1 = std::sin(q1);
    // Joint 5: the flange's offset along joint 2's axis beyond d4 is d6 cos(q5).
    const double wrist = SafeAcos((px * sn1 - py * c1 - d4) / d6);
    if (std::isnan(wrist)) continue;
    for (const double s5 : {1.0, -1.0}) {
      const double q5 = s5 * wrist;
      const double sn5 = std::sin(q5);
      // Joint 6: joint 2's axis seen from the flange frame is (c6 s5, -s6 s5, c5).
      const double q6 = std::abs(sn5) < 1e-10
                            ? q6_hint
                            : std::atan2((-ox * sn1 + oy * c1) / sn5, (nx * sn1 - ny * c1) / sn5);
      // Joints 2-4: a planar three-link problem in frame 1.
      const Mat4 a1 = Dh(q1, table[0].d, table[0].a, table[0].alpha);
      const Mat4 a5 = Dh(q5, table[4].d, table[4].a, table[4].alpha);
      const Mat4 a6 = Dh(q6, table[5].d, table[5].a, table[5].alpha);
      const Mat4 t14 = Mul(Mul(InverseRigid(a1), t), InverseRigid(Mul(a5, a6)));
      // Frame 3's origin in frame 1: frame 4's origin moved back by d4 along its own -y.
      const double x13 = t14[3] - d4 * t14[1], y13 = t14[7] - d4 * t14[5];
      const double elbow = SafeAcos((x13 * x13 + y13 * y13 - a2 * a2 - a3 * a3) / (2 * a2 * a3));
      if (std::isnan(elbow)) continue;
      for (const double s3 : {1.0, -1.0}) {
        const double q3 = s3 * elbow;
        const double q2 =
            std::atan2(y13, x13) - std::atan2(a3 * std::sin(q3), a2 + a3 * std::cos(q3));
        const Mat4 t13 = Mul(Dh(q2, table[1].d, table[1].a, table[1].alpha),
                             Dh(q3, table[2].d, table[2].a, table[2].alpha));
        const Mat4 t34 = Mul(InverseRigid(t13), t14);
        const double q4 = std::atan2(t34[4], t34[0]);
        out.push_back({Wrap(q1), Wrap(q2), Wrap(q3), Wrap(q4), Wrap(q5), Wrap(q6)});
        if (elbow == 0) break;  // both signs give the same solution
      }
    }
  }
  return out;
}

std::optional<JointVector> ArmKinematics::Inverse(const Pose& target, const JointVector& seed,
                                                  const Pose& tool) const {
  std::optional<JointVector> best;
  double best_cost = std::numeric_limits<double>::infinity();
  for (const JointVector& solution : Solutions(target, tool, seed[5])) {
    JointVector q{};
    bool reachable = true;
    for (int k = 0; k < 6 && reachable; ++k) {
      // The turn of this angle that lies within the limits and nearest to the seed.
      reachable = false;
      double nearest = std::numeric_limits<double>::infinity();
      for (int turns = -2; turns <= 2; ++turns) {
        const double candidate = solution[k] + turns * 2 * kPi;
        if (candidate < lower_[k] || candidate > upper_[k]) continue;
        if (std::abs(candidate - seed[k]) < nearest) {
          nearest = std::abs(candidate - seed[k]);
          q[k] = candidate;
          reachable = true;
        }
      }
    }
    if (!reachable || !SamePose(Forward(q, tool), target)) continue;
    double cost = 0;
    for (int k = 0; k < 6; ++k) cost += (q[k] - seed[k]) * (q[k] - seed[k]);
    if (cost < best_cost) {
      best_cost = cost;
      best = q;
    }
  }
  return best;
}

bool ArmKinematics::WithinLimits(const JointVector& q) const {
  for (int k = 0; k < 6; ++k) {
    if (!(q[k] >= lower_[k] && q[k] <= upper_[k])) return false;
  }
  return true;
}

}  // namespace twin::sim
