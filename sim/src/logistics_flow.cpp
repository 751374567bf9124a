#include <twin/sim/behaviour.h>
#include <twin/sim/logistics_flow.h>

#include <cmath>
#include <sstream>

namespace twin::sim {

LogisticsFlow::LogisticsFlow(const scenes::Site& site, const World& world,
                             std::function<void(const std::string&)> log)
    : sinks_(site.sinks), log_(std::move(log)) {
  const mjModel* m = world.model();
  for (const scenes::SpawnerSpec& spec : site.spawners) {
    Spawner spawner{
        spec, base::CounterRng(world.seed(), base::StreamId("arrivals/" + spec.entity)), {}, false};
    for (size_t k = 0; k < spec.items.size(); ++k) {
      const int joint = world.JointId(spec.items[k] + "/free");
      Item item;
      item.name = spec.items[k];
      item.qpos = m->jnt_qposadr[joint];
      item.dof = m->jnt_dofadr[joint];
      item.body = m->jnt_bodyid[joint];
      item.parking = spec.parking[k];
      item.clearance = spec.clearance[k];
      spawner.items.push_back(static_cast<int>(items_.size()));
      items_.push_back(item);
      state_.parked.push_back(1);
    }
    Clock clock;
    clock.next_arrival = spec.start;
    if (spec.poisson) ScheduleNext(spawner, clock);
    state_.clocks.push_back(clock);
    spawners_.push_back(std::move(spawner));
    state_.spawner_stats.push_back({spec.entity, 0, 0, 0});
  }
  for (const scenes::SinkSpec& sink : sinks_) state_.sink_stats.push_back({sink.entity, 0, {}});
  initial_ = state_;
}

void LogisticsFlow::ScheduleNext(const Spawner& s, Clock& clock) const {
  if (s.spec.poisson) {
    // Exponential inter-arrival times; arrival k draws index k, whatever happened before.
    const double u = s.rng.Uniform(static_cast<uint64_t>(clock.arrivals));
    clock.next_arrival += -std::log(1.0 - u) / s.spec.rate;
  } else {
    clock.next_arrival = s.spec.start + static_cast<double>(clock.arrivals) * s.spec.interval;
  }
}

void LogisticsFlow::Place(mjData& d, const Item& item, const scenes::Pose& pose) const {
  for (int i = 0; i < 3; ++i) d.qpos[item.qpos + i] = pose.position[i];
  for (int i = 0; i < 4; ++i) d.qpos[item.qpos + 3 + i] = pose.orientation[i];
  for (int i = 0; i < 6; ++i) d.qvel[item.dof + i] = 0;
}

bool LogisticsFlow::SpawnPointClear(const mjData& d, const Spawner& s, double clearance) const {
  for (int index : s.items) {
    if (state_.parked[index]) continue;
    const Item& other = items_[index];
    const double dx = d.xpos[3 * other.body] - s.spec.spawn.position[0];
    const double dy = d.xpos[3 * other.body + 1] - s.spec.spawn.position[1];
    if (std::hypot(dx, dy) < clearance + other.clearance) return false;
  }
  return true;
}

void LogisticsFlow::Apply(const mjModel& m, mjData& d) {
  if (d.time <= state_.last_time) state_ = initial_;  // the world was reset
  state_.last_time = d.time;

  // Sinks first, so an item removed this step can be reused by a spawner right away.
  for (size_t k = 0; k < sinks_.size(); ++k) {
    const scenes::SinkSpec& sink = sinks_[k];
    const scenes::Quat inverse{sink.region.orientation[0], -sink.region.orientation[1],
                               -sink.region.orientation[2], -sink.region.orientation[3]};
    for (size_t i = 0; i < items_.size(); ++i) {
      if (state_.parked[i]) continue;
      const Item& item = items_[i];
      // The item is in when its centre of mass is: its origin sits on its bottom face.
      const scenes::Vec3 p{d.xipos[3 * item.body] - sink.region.position[0],
                           d.xipos[3 * item.body + 1] - sink.region.position[1],
                           d.xipos[3 * item.body + 2] - sink.region.position[2]};
      const scenes::Vec3 local = scenes::Rotate(inverse, p);
      if (std::abs(local[0]) <= sink.half_size[0] && std::abs(local[1]) <= sink.half_size[1] &&
          std::abs(local[2]) <= sink.half_size[2]) {
        state_.parked[i] = 1;
        ++state_.sink_stats[k].removed;
        state_.sink_stats[k].times.push_back(d.time);
      }
    }
  }

  for (size_t k = 0; k < spawners_.size(); ++k) {
    Spawner& s = spawners_[k];
    Clock& clock = state_.clocks[k];
    SpawnerStats& stats = state_.spawner_stats[k];
    // Arrivals happen on the step nearest their time (time accumulates rounding error).
    while (d.time + 0.5 * m.opt.timestep >= clock.next_arrival) {
      int free = -1;
      for (int index : s.items) {
        if (state_.parked[index]) {
          free = index;
          break;
        }
      }
      if (free < 0) {
        ++stats.exhausted;
        if (!s.reported_exhaustion) {
          std::ostringstream line;
          line << "spawner '" << s.spec.entity << "': all " << s.items.size()
               << " pool items are in the scene at t = " << d.time
               << " s; arrivals are dropped (raise its pool:, or add a sink)";
          log_(line.str());
          s.reported_exhaustion = true;
        }
      } else if (!SpawnPointClear(d, s, items_[free].clearance)) {
        if (!clock.waiting) ++stats.delayed;
        clock.waiting = true;
        break;  // try again next step
      } else {
        Place(d, items_[free], s.spec.spawn);
        state_.parked[free] = 0;
        ++stats.spawned;
      }
      clock.waiting = false;
      ++clock.arrivals;
      ScheduleNext(s, clock);
    }
  }

  for (size_t i = 0; i < items_.size(); ++i) {
    if (state_.parked[i]) Place(d, items_[i], items_[i].parking);
  }
}

int LogisticsFlow::active_items() const {
  int active = 0;
  for (uint8_t parked : state_.parked) active += !parked;
  return active;
}

std::shared_ptr<LogisticsFlow> AttachLogisticsFlow(World& world, const scenes::Site& site,
                                                   std::function<void(const std::string&)> log) {
  auto flow = std::make_shared<LogisticsFlow>(site, world, std::move(log));
  AttachBehaviour(world, "logistics_flow", flow);
  return flow;
}

}  // namespace twin::sim
