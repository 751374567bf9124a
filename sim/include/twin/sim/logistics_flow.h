// Spawners and sinks at run time: cartons arrive (every `interval`, or as a Poisson process at
// `rate`), ride the line, and leave through sinks, which count throughput.
//
// Pool items wait parked far outside the site; while parked they are held still every step so
// they cost no contacts and never drift. An arrival takes the next parked item; when the spawn
// point is still occupied the arrival waits (as a real infeed would), and when the pool is empty
// the arrival is dropped and counted as exhausted, with one log line, never silently.
#pragma once

#include <twin/scenes/random.h>
#include <twin/scenes/site.h>
#include <twin/sim/world.h>

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

  const std::vector<SpawnerStats>& spawners() const { return spawner_stats_; }
  const std::vector<SinkStats>& sinks() const { return sink_stats_; }
  /// Pool items currently in the scene.
  int active_items() const;

 private:
  struct Item {
    std::string name;
    int qpos = 0, dof = 0;  // free joint addresses
    int body = 0;
    scenes::Pose parking;
    double clearance = 0;
    bool parked = true;
  };
  struct Spawner {
    scenes::SpawnerSpec spec;
    CounterRng rng;
    std::vector<int> items;  // indices into items_
    double next_arrival = 0;
    int64_t arrivals = 0;
    bool waiting = false;  // the current arrival is delayed
    bool reported_exhaustion = false;
  };

  bool SpawnPointClear(const mjData& data, const Spawner& spawner, double clearance) const;
  void Place(mjData& data, const Item& item, const scenes::Pose& pose) const;
  void ScheduleNext(Spawner& spawner);

  std::vector<Item> items_;
  std::vector<Spawner> spawners_;
  std::vector<scenes::SinkSpec> sinks_;
  std::vector<SpawnerStats> spawner_stats_;
  std::vector<SinkStats> sink_stats_;
  std::function<void(const std::string&)> log_;
};

/// Creates the site's flows and registers them as a pre-step hook of `world`.
std::shared_ptr<LogisticsFlow> AttachLogisticsFlow(World& world, const scenes::Site& site,
                                                   std::function<void(const std::string&)> log);

}  // namespace twin::sim
