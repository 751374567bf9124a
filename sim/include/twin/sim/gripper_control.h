// Commands for the gripper on an arm's flange: vacuum on and off for a suction cup, open and close
// for parallel jaws, and whether it holds something.
//
// Suction: vacuum on drives the cup's adhesion actuator at full force; whatever touches the cup
// face (or comes within the cup's few millimetres of reach) is pulled against it and stays there
// while the arm moves; vacuum off lets it go. Parallel jaws: the finger servo drives the opening
// to its target and squeezes what is between the pads with up to the gripper's rated force.
// Commands take effect at the next step (a pre-step hook writes the actuator controls); the command
// is the control's State, saved and restored with the world's snapshots (sim/behaviour.h).
#pragma once

#include <twin/scenes/site.h>
#include <twin/sim/world.h>

#include <memory>
#include <string>
#include <vector>

namespace twin::sim {

class GripperControl {
 public:
  /// Finds the gripper's actuator, tcp site and contact geoms (throws twin::base::Error if one is
  /// missing). Starts with the vacuum off, or the jaws open.
  GripperControl(const scenes::GripperSpec& gripper, const World& world);

  /// The pre-step hook: writes the actuator control.
  void Apply(const mjModel& model, mjData& data) const;

  // Suction grippers (twin::base::Error on parallel jaws).
  void SetVacuum(bool on);
  bool vacuum() const;

  // Parallel grippers (twin::base::Error on a suction gripper).
  void Open();
  void Close();
  /// Drives the opening between the pads to `metres` (0 = closed, stroke = fully open).
  void SetOpening(double metres);
  /// The measured opening between the pads, metres.
  double Opening(const World& world) const;

  /// The body held, or -1: suction, the vacuum is on and the cup face touches a movable body;
  /// parallel, both pads touch the same movable body. Bodies of the arm and gripper never count.
  int HeldBody(const World& world) const;
  /// The same from a step hook's model and state (the contacts of the last step).
  int HeldBody(const mjModel& model, const mjData& data) const;
  bool Holding(const World& world) const { return HeldBody(world) >= 0; }

  /// World pose of the tool centre point (tcp site) now.
  scenes::Pose TcpPose(const World& world) const;
  const scenes::GripperSpec& spec() const { return spec_; }

  /// What changes while it runs: the command.
  struct State {
    double command = 0;  ///< suction: 0 or 1; parallel: the opening, metres
  };
  State SaveState() const { return state_; }
  void RestoreState(const State& state) { state_ = state; }

 private:
  void Require(scenes::GripperKind kind, const char* command) const;

  scenes::GripperSpec spec_;
  int actuator_ = -1;
  int tcp_site_ = -1;
  std::vector<int> pad_geoms_;
  std::vector<int> finger_qpos_;  // parallel: the two slides
  State state_;
};

/// Creates the gripper's control and attaches it to `world` as a behaviour.
std::shared_ptr<GripperControl> AttachGripperControl(World& world,
                                                     const scenes::GripperSpec& gripper);

}  // namespace twin::sim
