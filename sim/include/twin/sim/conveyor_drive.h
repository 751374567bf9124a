// Conveyors that carry what lies on them: the behaviour behind every belt and powered roller
// conveyor of a site.
//
// A belt is a flat body on a slide joint (see scenes' conveyor builder). Before every step the
// drive puts the joint back at 0 and sets its velocity to the belt speed, so contact friction
// drags loads at belt speed while the belt itself never travels. Powered rollers get the angular
// velocity speed / radius. Speeds can be changed at any time (e.g. by a ROS command); they are the
// drive's state, saved and restored with the world's snapshots (sim/behaviour.h).
#pragma once

#include <twin/scenes/site.h>
#include <twin/sim/world.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace twin::sim {

class ConveyorDrive {
 public:
  /// Finds each conveyor's joints in the world's model; throws twin::base::Error if one is missing.
  ConveyorDrive(const scenes::Site& site, const World& world);

  /// The pre-step hook: applies the current speeds.
  void Apply(const mjModel& model, mjData& data) const;

  /// What changes while it runs: each conveyor's speed, in site order.
  struct State {
    std::vector<double> speeds;
  };
  State SaveState() const { return state_; }
  void RestoreState(const State& state) { state_ = state; }

  /// Sets a conveyor's speed in m/s (throws twin::base::Error for an unknown name).
  void SetSpeed(std::string_view conveyor, double speed);
  double speed(std::string_view conveyor) const;
  std::vector<std::string> names() const;

 private:
  struct Drive {
    std::string name;
    int belt_qpos = -1, belt_dof = -1;  // -1: not a belt
    std::vector<int> roller_dofs;
    double radius = 0;
  };
  size_t Find(std::string_view name) const;
  std::vector<Drive> drives_;
  State state_;
};

/// Creates the site's conveyor drive and registers it as a pre-step hook of `world`.
std::shared_ptr<ConveyorDrive> AttachConveyorDrive(World& world, const scenes::Site& site);

}  // namespace twin::sim
