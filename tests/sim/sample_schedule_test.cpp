// The per-sensor sample schedule against exact integer arithmetic over a million steps, its
// checks, and its use with a World (snapshots, the layout's rates).
#include <twin/base/error.h>
#include <twin/scenes/scene.h>
#include <twin/sim/sample_schedule.h>
#include <twin/sim/site_world.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

using Catch::Matchers::Contains;
using twin::sim::DueSample;
using twin::sim::SampleSchedule;
using twin::sim::SensorKind;

TEST_CASE(
    "Sample k is taken at the first step at or after k / rate, with no drift over 1e6 "
    "steps",
    "[sim][schedule]") {
  // timestep 1/500 s. Rate p/q Hz: sample k's time k q / p s is step k q 500 / p, so the step
  // that takes it is ceil(500 k q / p), exactly, in integers.
  struct Rate {
    int64_t p, q;
  };
  const Rate rates[] = {{30, 1},  {7, 1}, {333, 1}, {200, 1}, {30000, 1001},  // NTSC 29.97 Hz
                        {10, 3},                                              // 3.33 Hz
                        {1000, 1}};  // faster than the steps: every step, two samples each
  std::vector<twin::sim::ScheduledSensor> sensors;
  for (const Rate& r : rates)
    sensors.push_back({SensorKind::kImu, std::to_string(r.p) + "/" + std::to_string(r.q),
                       double(r.p) / double(r.q)});
  const SampleSchedule schedule(sensors, 0.002);

  const int64_t steps = 1'000'000;
  std::vector<int64_t> next(sensors.size(), 0);  // next sample expected, per sensor
  std::vector<int64_t> taken(sensors.size(), 0);
  for (int64_t n = 0; n < steps; ++n) {
    const std::vector<DueSample> due = schedule.Due(n);
    size_t d = 0;
    for (size_t s = 0; s < sensors.size(); ++s) {
      const Rate& r = rates[s];
      // Samples whose exact step ceil(500 k q / p) is n: k from next[s] while 500 k q <= n p.
      int64_t count = 0;
      while (500 * next[s] * r.q <= n * r.p) ++next[s], ++count;
      const bool is_due = count > 0;
      const bool listed = d < due.size() && due[d].sensor == int(s);
      if (listed != is_due) {
        FAIL_CHECK("step " << n << ", " << sensors[s].name << " Hz: due " << is_due
                           << ", schedule says " << listed);
        return;
      }
      if (!listed) continue;
      if (due[d].sample != next[s] - 1 || due[d].count != count) {
        FAIL_CHECK("step " << n << ", " << sensors[s].name << " Hz: sample " << next[s] - 1 << " x"
                           << count << ", schedule says " << due[d].sample << " x" << due[d].count);
        return;
      }
      if (schedule.StepOf(int(s), due[d].sample) != n) {
        FAIL_CHECK("StepOf(" << sensors[s].name << ", " << due[d].sample << ") is not " << n);
        return;
      }
      ++taken[s];
      ++d;
    }
  }
  // The 1000 Hz sensor is due every step; the others as often as their rate says in 2000 s.
  CHECK(taken.back() == steps);
  CHECK(next[0] == 60000);  // 30 Hz: samples 0 .. 59999 up to t = 1999.998 s
  CHECK(next[4] == 59941);  // 29.97 Hz: floor(1999.998 * 30000 / 1001) + 1
}

TEST_CASE("A sample's time is k / rate and SamplesUpTo counts them", "[sim][schedule]") {
  const SampleSchedule schedule({{SensorKind::kCamera, "cam", 30}, {SensorKind::kLidar, "l", 10}},
                                0.002);
  const std::vector<DueSample> first = schedule.Due(0);
  REQUIRE(first.size() == 2);  // every sensor takes sample 0 at step 0
  CHECK(first[0].sample == 0);
  CHECK(first[0].time == 0);
  // Step 50 (t = 0.1 s): camera sample 3 (exactly 0.1 s: taken here, not one step late) and
  // lidar sample 1.
  const std::vector<DueSample> at_50 = schedule.Due(50);
  REQUIRE(at_50.size() == 2);
  CHECK(at_50[0].sample == 3);
  CHECK(at_50[0].time == Approx(0.1).margin(1e-15));
  CHECK(at_50[1].sample == 1);
  CHECK(schedule.Due(49).empty());
  CHECK(schedule.SamplesUpTo(0, 50) == 4);
  CHECK(schedule.StepOf(0, 1) == 17);  // 1/30 s = 16.67 steps
}

TEST_CASE("A schedule refuses rates and timesteps that are not > 0", "[sim][schedule]") {
  for (double bad : {0.0, -5.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
    CAPTURE(bad);
    CHECK_THROWS_WITH(SampleSchedule({{SensorKind::kLidar, "front", bad}}, 0.002),
                      Contains("lidar 'front': rate must be a finite number > 0"));
  }
  CHECK_THROWS_WITH(SampleSchedule({}, 0), Contains("timestep"));
}

TEST_CASE("A layout's rate must be > 0: the error names file, line and key", "[sim][schedule]") {
  struct Case {
    const char* sensors;
    const char* line;
  };
  const Case cases[] = {
      {"  cameras:\n    - {name: c, position: [0, 0, 2], look_at: [1, 0, 0], rate: 0}\n", "3:"},
      {"  lidars:\n    - {name: l, rate: -10}\n", "3:"},
      {"  imus:\n    - {name: i,\n       rate: 0}\n", "4:"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.sensors);
    const std::string text = std::string("sensors:\n") + c.sensors;
    try {
      twin::scenes::LoadLayoutText(text, "rates.yaml", ".");
      FAIL("accepted");
    } catch (const twin::base::Error& error) {
      const std::string message = error.what();
      CHECK_THAT(message, Contains(std::string("rates.yaml:") + c.line));
      CHECK_THAT(message, Contains("rate"));
      CHECK_THAT(message, Contains("must be"));
    }
  }
}

TEST_CASE(
    "From a site: every camera, lidar and IMU with its rate, due at the step a World's "
    "sensor data depict, across snapshots",
    "[sim][schedule]") {
  const char* layout = R"(sensors:
  cameras:
    - {name: cam, position: [0, 0, 2], look_at: [1, 0, 0], rate: 15}
  lidars:
    - {name: lid, rate: 7}
  imus:
    - {name: imu, rate: 250}
)";
  twin::sim::SiteWorld site =
      twin::sim::MakeSiteWorld(twin::scenes::LoadLayoutText(layout, "s.yaml", "."), {});
  twin::sim::World& world = site.world;
  const SampleSchedule schedule = SampleSchedule::FromSite(site.scene.site, world.timestep());
  REQUIRE(schedule.sensors().size() == 3);
  CHECK(schedule.sensors()[0].kind == SensorKind::kCamera);
  CHECK(schedule.sensors()[0].name == "cam");
  CHECK(schedule.sensors()[0].rate == 15);
  CHECK(schedule.sensors()[1].kind == SensorKind::kLidar);
  CHECK(schedule.sensors()[2].kind == SensorKind::kImu);
  CHECK(schedule.sensors()[2].rate == 250);

  // Each sample's time is the sensor time of the step that takes it, or up to a step before.
  auto record = [&](int steps) {
    std::vector<std::string> log;
    for (int i = 0; i < steps; ++i) {
      world.Step(1);
      for (const DueSample& due : schedule.Due(world)) {
        CHECK(due.time <= world.sensor_time() + 1e-12);
        CHECK(due.time > world.sensor_time() - world.timestep() - 1e-12);
        log.push_back(std::to_string(world.sensor_step()) + ":" + std::to_string(due.sensor) + ":" +
                      std::to_string(due.sample));
      }
    }
    return log;
  };
  const std::vector<std::string> before = record(300);
  CHECK(before.front() == "0:0:0");
  const twin::sim::WorldSnapshot snapshot = world.Snapshot();
  const std::vector<std::string> after = record(700);
  world.Restore(snapshot);
  CHECK(record(700) == after);  // the schedule goes on as if never interrupted
  CHECK(after.size() > 700 / 2);
}
