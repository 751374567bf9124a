// Spawners and sinks over long runs: arrival counts against the arrival process's statistics,
// and conservation (everything that came in went out or is still in the scene).
#include <twin/scenes/scene.h>
#include <twin/sim/site_world.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

using twin::sim::SiteWorld;

namespace {

SiteWorld Load(const std::string& yaml, const std::string& name,
               std::vector<std::string>* log = nullptr) {
  twin::sim::WorldOptions options;
  if (log) options.log = [log](const std::string& line) { log->push_back(line); };
  return twin::sim::MakeSiteWorld(twin::scenes::LoadLayoutText(yaml, name, "."), options);
}

std::string Line(const std::string& arrivals, int pool) {
  return R"(
site: {seed: 3}
equipment:
  - {type: conveyor, name: belt, length: 4, speed: 0.5}
  - {type: spawner, name: feed, parent: belt/start, pose: {position: [0.3, 0, 0.01]}, )" +
         arrivals + ", pool: " + std::to_string(pool) + R"(,
     size_min: [0.2, 0.2, 0.1], size_max: [0.3, 0.25, 0.2], mass: [1, 4]}
  - {type: sink, name: out, parent: belt/end, pose: {position: [-0.2, 0, 0]}, size: [0.4, 0.8, 0.5]}
)";
}

}  // namespace

TEST_CASE("A fixed-interval spawner feeds a sink, one item every interval", "[sim][flows]") {
  SiteWorld s = Load(Line("interval: 2", 6), "interval.yaml");
  s.world.Step(static_cast<int64_t>(60 / s.world.timestep()));  // one simulated minute
  const auto& spawner = s.flows->spawners().at(0);
  const auto& sink = s.flows->sinks().at(0);
  CHECK(spawner.spawned == 30);  // t = 0, 2, ..., 58; the one at 60 s is due on the next step
  CHECK(spawner.exhausted == 0);
  CHECK(sink.removed + s.flows->active_items() == spawner.spawned);
  // Belt 4 m at 0.5 m/s: each item needs ~7 s to reach the sink, so a handful are in flight.
  CHECK(s.flows->active_items() <= 5);
  REQUIRE(sink.times.size() >= 2);
  CHECK(sink.times[1] - sink.times[0] == Approx(2.0).margin(0.05));
  CHECK_FALSE(s.world.diverged());
}

TEST_CASE("A Poisson spawner's count over 10 minutes matches its rate", "[sim][flows]") {
  SiteWorld s = Load(Line("rate: 0.25", 12), "poisson.yaml");
  s.world.Step(static_cast<int64_t>(600 / s.world.timestep()));
  const auto& spawner = s.flows->spawners().at(0);
  // 150 expected arrivals; the count of a Poisson process has standard deviation sqrt(150).
  // Arrivals delayed because the spawn point was occupied still happen, a little later.
  const double expected = 0.25 * 600;
  CHECK(std::abs(spawner.spawned - expected) < 4 * std::sqrt(expected));
  CHECK(spawner.exhausted == 0);
  const auto& sink = s.flows->sinks().at(0);
  CHECK(sink.removed + s.flows->active_items() == spawner.spawned);
  // Inter-arrival times at the sink vary (an exponential process), they are not a fixed beat.
  double min_gap = 1e9, max_gap = 0;
  for (size_t i = 1; i < sink.times.size(); ++i) {
    min_gap = std::min(min_gap, sink.times[i] - sink.times[i - 1]);
    max_gap = std::max(max_gap, sink.times[i] - sink.times[i - 1]);
  }
  CHECK(max_gap > 4 * min_gap);
}

TEST_CASE("An exhausted pool is reported once and counted", "[sim][flows]") {
  std::vector<std::string> log;
  // No sink: the belt ends and items pile up at its end stop.
  SiteWorld s = Load(R"(
equipment:
  - {type: conveyor, name: belt, length: 4, speed: 0.5, end_stop: true}
  - {type: spawner, name: feed, parent: belt/start, pose: {position: [0.3, 0, 0.01]},
     interval: 1.5, pool: 3, size_min: [0.2, 0.2, 0.1], size_max: [0.2, 0.2, 0.1]}
)",
                     "exhausted.yaml", &log);
  s.world.Step(static_cast<int64_t>(12 / s.world.timestep()));
  const auto& spawner = s.flows->spawners().at(0);
  CHECK(spawner.spawned == 3);
  CHECK(spawner.exhausted >= 4);
  REQUIRE(log.size() == 1);
  CHECK(log[0] ==
        "spawner 'feed': all 3 pool items are in the scene at t = 4.5 s; arrivals are "
        "dropped (raise its pool:, or add a sink)");
}

TEST_CASE("Parked pool items stay parked and cost no contacts", "[sim][flows]") {
  SiteWorld s = Load(Line("interval: 1000, start: 1000", 50), "parked.yaml");
  s.world.Step(1000);
  CHECK(s.flows->active_items() == 0);
  CHECK(s.world.data()->ncon == 0);
  const auto& item = s.scene.site.spawners[0].parking[7];
  const int body = s.world.BodyId("feed_item7");
  CHECK(s.world.data()->xpos[3 * body] == Approx(item.position[0]).margin(1e-3));
  CHECK(s.world.data()->xpos[3 * body + 2] == Approx(item.position[2]).margin(1e-3));
}

TEST_CASE("Pool item sizes come from the ranges, the same on every load", "[sim][flows]") {
  SiteWorld a = Load(Line("interval: 2", 20), "sizes_a.yaml");
  SiteWorld b = Load(Line("interval: 2", 20), "sizes_b.yaml");
  bool varied = false;
  double first = -1;
  for (const auto& e : a.scene.site.entities) {
    if (e.type != "carton") continue;
    const double x = e.parameters.at("size_x"), z = e.parameters.at("size_z");
    CHECK(x >= 0.2);
    CHECK(x <= 0.3);
    CHECK(z >= 0.1);
    CHECK(z <= 0.2);
    CHECK(e.parameters.at("mass") >= 1);
    CHECK(e.parameters.at("mass") <= 4);
    CHECK(b.scene.site.FindEntity(e.name)->parameters == e.parameters);
    if (first < 0) first = x;
    varied = varied || x != first;
  }
  CHECK(varied);
}
