// Spawners and sinks at run time: cartons arrive (every `interval`, or as a Poisson process at
// `rate`), ride the line, and leave through sinks, which count throughput.
//
// Pool items wait parked far outside the site; while parked they are held still every step so
// they cost no contacts and never drift. An arrival takes the next parked item; when the spawn
// point is still occupied the arrival waits (as a real infeed would), and when the pool is empty
// the arrival is dropped and counted as exhausted, with one log line, never silently.
//
// Which items are parked, the arrival clocks and the counts are the flow's State, saved and
// restored with the world's snapshots (sim/behaviour.h). When the world's time goes back without
// a Restore (World::Reset), the flow starts again as it was created: every item parked, the
// clocks at their start, the counts at 0.
#pragma once

#include <twin/base/random.h>
#include <twin/scenes/site.h>
#include <twin/sim/world.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace twin::sim {

struct SpawnerStats {
  std::string name;
  int64_t spawned = 0;    ///< items brought in
  int64_t delayed = 0;    ///< arrivals that had to wait for the spawn point to clear
  int64_t exhausted = 0;  ///< arrivals dropped because every pool item was in use
};

struct SinkStats {
  std::string name;
  int64_t removed = 0;
  std::vector<double> times;  ///< simulated time of each removal
};

class LogisticsFlow {
 public:
  LogisticsFlow(const scenes::Site& site, const World& world,
                std::function<void(const std::string&)> log);

  /// The pre-step hook.
  void Apply(const mjModel& model, mjData& data);

  const std::vector<SpawnerStats>& spawners() const { return state_.spawner_stats; }
  const std::vector<SinkStats>& sinks() const { return state_.sink_stats; }
  /// Pool items currently in the scene.
  int active_items() const;

  /// Where one spawner's arrival process stands.
  struct Clock {
    double next_arrival = 0;
    int64_t arrivals = 0;
    bool waiting = false;  ///< the current arrival is delayed
  };
  /// What changes while it runs.
  struct State {
    std::vector<uint8_t> parked;  ///< per pool item (every spawner's, in order): 1 = parked
    std::vector<Clock> clocks;    ///< per spawner
    std::vector<SpawnerStats> spawner_stats;
    std::vector<SinkStats> sink_stats;
    double last_time = -1;  ///< data.time at the last step; a step at or before it: a reset
  };
  State SaveState() const { return state_; }
  void RestoreState(const State& state) { state_ = state; }

 private:
  struct Item {
    std::string name;
    int qpos = 0, dof = 0;  // free joint addresses
    int body = 0;
    scenes::Pose parking;
    double clearance = 0;
  };
  struct Spawner {
    scenes::SpawnerSpec spec;
    base::CounterRng rng;
    std::vector<int> items;            // indices into items_
    bool reported_exhaustion = false;  // logged once per flow, whatever is restored
  };

  bool SpawnPointClear(const mjData& data, const Spawner& spawner, double clearance) const;
  void Place(mjData& data, const Item& item, const scenes::Pose& pose) const;
  void ScheduleNext(const Spawner& spawner, Clock& clock) const;

  std::vector<Item> items_;
  std::vector<Spawner> spawners_;
  std::vector<scenes::SinkSpec> sinks_;
  std::function<void(const std::string&)> log_;
  State initial_;  // as created, for a reset
  State state_;
};

/// Creates the site's flows and attaches them to `world` as a behaviour (sim/behaviour.h).
std::shared_ptr<LogisticsFlow> AttachLogisticsFlow(World& world, const scenes::Site& site,
                                                   std::function<void(const std::string&)> log);

}  // namespace twin::sim
