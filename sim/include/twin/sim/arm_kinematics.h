// Forward and inverse kinematics of a Universal Robots type arm from its DH table.
//
// Forward kinematics chains the six DH transforms; inverse kinematics is the closed-form solution
// for the UR geometry (three parallel middle axes, a spherical-offset wrist; after Hawkins,
// "Analytic Inverse Kinematics for the Universal Robots UR-5/UR-10 Arms", 2013), which gives up
// to eight joint solutions for a flange pose. Poses are in world coordinates; the arm's base (DH
// frame 0) is placed by `base()`, which a mobile base can move with set_base().
#pragma once

#include <twin/scenes/pose.h>
#include <twin/scenes/site.h>

#include <array>
#include <optional>
#include <vector>

namespace twin::sim {

/// Joint angles (or rates) of a 6-axis arm, joint1..joint6, radians.
using JointVector = std::array<double, 6>;

class ArmKinematics {
 public:
  ArmKinematics(const scenes::UrDhTable& dh, const JointVector& lower, const JointVector& upper,
                const scenes::Pose& base = {});
  /// The arm of a site, with its base where the layout put it.
  explicit ArmKinematics(const scenes::ArmSpec& arm);

  /// World pose of the flange (DH frame 6) at `q`, or of a tool whose frame is `tool` in the
  /// flange frame (e.g. GripperSpec::tcp_in_flange).
  scenes::Pose Forward(const JointVector& q, const scenes::Pose& tool = {}) const;

  /// Every closed-form solution that puts the flange (or `tool`) at `target`, each angle in
  /// (-pi, pi], joint limits not applied. Empty when the pose is out of reach. At a wrist
  /// singularity (joint 5 at 0 or pi) joint 6 is not determined and is taken as `q6_hint`.
  std::vector<JointVector> Solutions(const scenes::Pose& target, const scenes::Pose& tool = {},
                                     double q6_hint = 0) const;

  /// The solution nearest to `seed` that respects the joint limits: each joint may also take its
  /// angle plus or minus whole turns where its limits allow (UR joints turn +-360 degrees), and
  /// the one closest to the seed is kept. std::nullopt when the pose cannot be reached.
  std::optional<JointVector> Inverse(const scenes::Pose& target, const JointVector& seed,
                                     const scenes::Pose& tool = {}) const;

  bool WithinLimits(const JointVector& q) const;
  const scenes::Pose& base() const { return base_; }
  void set_base(const scenes::Pose& base) { base_ = base; }
  const scenes::UrDhTable& dh() const { return dh_; }
  const JointVector& lower() const { return lower_; }
  const JointVector& upper() const { return upper_; }

 private:
  scenes::UrDhTable dh_;
  JointVector lower_, upper_;
  scenes::Pose base_;
};

/// The inverse of a rigid transform: Compose(pose, InversePose(pose)) is the identity.
scenes::Pose InversePose(const scenes::Pose& pose);

/// A tool pose pointing straight down (its +z along world -z) at `position`, turned by `yaw_rad`
/// about the vertical: how a suction cup or a gripper approaches a carton from above.
scenes::Pose ToolDownPose(const scenes::Vec3& position, double yaw_rad);

}  // namespace twin::sim
