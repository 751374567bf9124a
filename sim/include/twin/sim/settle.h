// Settling randomized bodies by simulation (twin::sim::DomainRandomizer, `twin datagen`): step
// until what was dropped is at rest, paying only for what can take part. Static geoms and whole
// moving mechanisms (robots, vehicles) that nothing dropped can reach sit out of collision
// detection while it settles; should anything travel farther than that reach, the settle is
// redone with everything, so the result never rests on the shortcut.
#pragma once

#include <twin/scenes/randomize.h>
#include <twin/sim/world.h>

#include <functional>
#include <vector>

namespace twin::sim {

/// How far (metres) a settling geom is assumed to stay from where it started. A body dropped
/// from 1.4 m and sliding on stays within it; one that travels farther forces a full redo.
inline constexpr double kSettleReach = 2.0;

/// Steps until every listed body is slower than spec.speed (linear m/s and angular rad/s, held
/// for 50 ms after the first 0.1 s) or spec.max_time passes; returns the time stepped and sets
/// *settled. Stops early if the world diverges or `stop` (called after every step) returns true;
/// then *settled is false.
double Settle(World& world, const std::vector<int>& bodies, const scenes::SettleSpec& spec,
              bool* settled, const std::function<bool()>& stop = {});

/// The static geoms (welded to the world, not planes) that no moving geom can touch while it
/// stays within `reach` metres of where it is now: their bounding spheres are farther than
/// reach from every colliding moving geom's. Settling may leave them out of collision detection,
/// whose broadphase otherwise pays for every one of them on every step.
std::vector<int> UnreachableStaticGeoms(const mjModel* m, const mjData* d, double reach);

/// The root bodies of the moving kinematic trees (a robot, a vehicle, a loose pallet) that
/// nothing settling can touch: no colliding geom of theirs comes within `reach` of a colliding
/// geom of a tree in `bodies` (the settling bodies), nor of any tree that one can reach, and so
/// on. Trees marked in `skip_root` (by body id) and trees tied to others by an equality
/// constraint are never returned. They can sit out a settle: their contacts switched off and
/// their state put back afterwards, as if they had rested where they stood.
std::vector<int> UnreachableTrees(const mjModel* m, const mjData* d, const std::vector<int>& bodies,
                                  double reach, const std::vector<bool>& skip_root = {});

/// Settles `bodies` (as Settle, with spec.timestep when set) with the unreachable static geoms
/// and trees sitting out (the trees marked in `skip_root` are left as they are); redoes it with
/// every geom, from a Restore() of the world (behaviours included), if a moving geom travels
/// farther than kSettleReach. Restores the geoms' collision flags and the sitting-out trees' joint
/// state afterwards. Returns the time settled; sets *settled. A tree that a behaviour moves while
/// settling (a spawner's pool item) belongs in `skip_root`: one sitting out would be put back.
double SettlePlaced(World& world, const std::vector<int>& bodies, const scenes::SettleSpec& spec,
                    const std::vector<bool>& skip_root, bool* settled);

}  // namespace twin::sim
