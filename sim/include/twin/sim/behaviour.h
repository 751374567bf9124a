// Behaviours: per-step logic with state of its own (a belt's speed, a spawner's clock, a drive's
// goal, an autopilot's phase), attached to a World so that its state is saved and restored with
// the world's. A snapshot then holds everything that shapes the next step, as in MuJoCo's mjData
// or Drake's Context: a frame made after Restore() is a function of the snapshot alone, whatever
// ran before it in the process.
//
// A behaviour `B` keeps everything that changes while it runs in one plain struct `B::State`
// (copyable values only: no pointers into the world) and has
//   void Apply(const mjModel& model, mjData& data);   // the pre-step hook
//   B::State SaveState() const;
//   void RestoreState(const B::State& state);
#pragma once

#include <twin/sim/world.h>

#include <any>
#include <memory>
#include <string>
#include <utility>

namespace twin::sim {

/// Registers `behaviour`'s Apply as a pre-step hook of `world` and its State with the world's
/// snapshots (World::AddBehaviourState), both under `name`. The world keeps the behaviour alive.
template <typename B>
void AttachBehaviour(World& world, const std::string& name, const std::shared_ptr<B>& behaviour) {
  world.AddPreStepHook(name, [behaviour](const mjModel& m, mjData& d) { behaviour->Apply(m, d); });
  world.AddBehaviourState(
      name, [behaviour] { return std::any(behaviour->SaveState()); },
      [behaviour](const std::any& state) {
        behaviour->RestoreState(std::any_cast<const typename B::State&>(state));
      });
}

}  // namespace twin::sim
