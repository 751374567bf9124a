// The site's coordinate frames for /tf and /tf_static, computed from the simulation state.
//
// Frames (REP 105, REP 103):
//  - `map`: the site (MuJoCo's world).
//  - each mobile robot (AMR, forklift): `<robot>/odom` and `<robot>/base_link` (its root body).
//    odom -> base_link is the robot's odometry (an AMR's wheel odometry; a forklift's true pose,
//    it has no odometry of its own), and map -> odom is what makes the chain end at the true
//    pose, as a perfect localisation would publish it.
//  - each body between a sensor or an arm and the site: named by its MJCF body name (the arm
//    `arm1`'s links are `arm1/shoulder`, ...), each relative to its parent body.
//  - cameras: `<camera>_optical_frame` (x right, y down, z forward); lidars and IMUs: `<name>`,
//    the sensor's site frame.
// A frame whose pose in its parent cannot change (no joint between them, a fixed camera) goes to
// /tf_static once; the others to /tf at the state rate.
#pragma once

#include <twin/scenes/site.h>
#include <twin/sim/diff_drive.h>

#include <mujoco/mujoco.h>

#include <array>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace twin::bridge {

/// The pose of `child` in `parent`: p_parent = rotation * p_child + translation.
struct FrameTransform {
  std::string parent, child;
  std::array<double, 3> translation{};
  std::array<double, 4> rotation{1, 0, 0, 0};  ///< unit quaternion, w x y z (MuJoCo's order)
};

class FrameTree {
 public:
  /// Finds every frame of `site` in `model`; `amrs` (in site.amrs order, may be empty) give the
  /// AMRs' wheel odometry. Throws twin::base::Error naming what is missing from the model.
  FrameTree(const scenes::Site& site, const mjModel& model,
            std::vector<std::shared_ptr<const sim::DiffDrive>> amrs = {});

  /// The frames that never move relative to their parent (after mj_forward or a step).
  std::vector<FrameTransform> Static(const mjData& data) const;
  /// The frames that can move (robots, joints, tracking cameras).
  std::vector<FrameTransform> Moving(const mjData& data) const;

  /// The frame of MJCF body `body` ("map" for the world, "<robot>/base_link" for a robot's root).
  const std::string& BodyFrame(int body) const;

 private:
  enum class Source { kBody, kRobotOdom, kRobotBase, kCamera, kSite };
  struct Frame {
    std::string parent, child;
    Source source;
    int id = -1;     // body, camera or site
    int robot = -1;  // index into robots_
    bool fixed = false;
  };
  struct Robot {
    int body = -1;
    const sim::DiffDrive* drive = nullptr;  // null: odometry is the true pose
  };
  void AddBody(int body);
  FrameTransform Compute(const Frame& frame, const mjData& data) const;

  const mjModel& model_;
  std::vector<std::shared_ptr<const sim::DiffDrive>> drives_;
  std::map<int, std::string> body_frames_;
  std::map<int, int> robot_of_body_;
  std::vector<Robot> robots_;
  std::vector<Frame> frames_;
};

}  // namespace twin::bridge
