// Behaviour state travels with World::Snapshot()/Restore(): for every kind of behaviour (belts,
// spawners and sinks, AMR and forklift drives, arm controllers, grippers, both autopilots) a run
// that is snapshotted, run on, restored and run on again repeats its first run-on bit for bit:
// the state (qpos, ctrl) and what the behaviours report (spawn counts, odometry, references,
// status lines). Before behaviours registered their state, each of these leaked the state of the
// first run-on into the second.
#include <twin/scenes/scene.h>
#include <twin/sim/behaviour.h>
#include <twin/sim/site_world.h>

#include <catch2/catch.hpp>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

using Catch::Matchers::Contains;
using twin::sim::SiteWorld;

namespace {

const std::string kTwins = TWIN_TWINS_DIR;

SiteWorld LoadText(const std::string& yaml, bool autopilot = false) {
  twin::sim::WorldOptions options;
  options.log = [](const std::string&) {};
  return twin::sim::MakeSiteWorld(twin::scenes::LoadLayoutText(yaml, "test.yaml", kTwins), options,
                                  std::nullopt, autopilot);
}

SiteWorld LoadTwin(const std::string& name, bool autopilot) {
  twin::sim::WorldOptions options;
  options.log = [](const std::string&) {};
  return twin::sim::LoadSiteWorld(kTwins + "/" + name, options, std::nullopt, autopilot);
}

// What a run-on leaves behind, step by step: qpos and ctrl bits and the numbers `observe` reads
// from the behaviours.
using Trace = std::vector<double>;

Trace RunOn(SiteWorld& site, int steps, const std::function<void(int)>& script,
            const std::function<std::vector<double>()>& observe) {
  Trace trace;
  const mjModel* m = site.world.model();
  const mjData* d = site.world.data();
  for (int i = 0; i < steps; ++i) {
    if (script) script(i);
    REQUIRE(site.world.Step(1) == 1);
    if (i % 10 != 9) continue;
    trace.insert(trace.end(), d->qpos, d->qpos + m->nq);
    trace.insert(trace.end(), d->ctrl, d->ctrl + m->nu);
    if (observe) {
      const std::vector<double> seen = observe();
      trace.insert(trace.end(), seen.begin(), seen.end());
    }
  }
  return trace;
}

// Runs `before` steps, snapshots, runs on `after` steps (calling `script(i)` before step i), goes
// back to the snapshot and runs on the same way again: both run-ons must agree to the bit.
void RequireRestoreRepeats(SiteWorld& site, int before, int after,
                           const std::function<void(int)>& script,
                           const std::function<std::vector<double>()>& observe) {
  site.world.Step(before);
  const twin::sim::WorldSnapshot snapshot = site.world.Snapshot();
  const Trace first = RunOn(site, after, script, observe);
  site.world.Restore(snapshot);
  const Trace second = RunOn(site, after, script, observe);
  REQUIRE(first.size() == second.size());
  size_t differ = 0, first_difference = first.size();
  for (size_t i = 0; i < first.size(); ++i) {
    if (std::memcmp(&first[i], &second[i], sizeof(double)) == 0) continue;
    ++differ;
    first_difference = std::min(first_difference, i);
  }
  INFO(differ << " of " << first.size() << " values differ, the first at index "
              << first_difference);
  CHECK(differ == 0);
}

double Count(int64_t n) {
  return static_cast<double>(n);
}

// A belt with a spawner at its head and a sink at its end.
const char* kLine = R"(
site: {seed: 3}
equipment:
  - {type: conveyor, name: belt, length: 4, speed: 0.5}
  - {type: spawner, name: feed, parent: belt/start, pose: {position: [0.3, 0, 0.01]},
     interval: 1.5, pool: 6, size_min: [0.2, 0.2, 0.1], size_max: [0.3, 0.25, 0.2], mass: [1, 4]}
  - {type: spawner, name: poisson, parent: belt/start, pose: {position: [0.3, 0.5, 0.01]},
     rate: 0.8, pool: 6, size_min: [0.2, 0.2, 0.1], size_max: [0.2, 0.2, 0.1]}
  - {type: sink, name: out, parent: belt/end, pose: {position: [-0.2, 0, 0]}, size: [0.4, 0.8, 0.5]}
)";

std::vector<double> FlowCounts(const SiteWorld& site) {
  std::vector<double> seen;
  for (const auto& s : site.flows->spawners()) {
    seen.insert(seen.end(), {Count(s.spawned), Count(s.delayed), Count(s.exhausted)});
  }
  for (const auto& s : site.flows->sinks()) {
    seen.push_back(Count(s.removed));
    seen.insert(seen.end(), s.times.begin(), s.times.end());
  }
  seen.push_back(site.flows->active_items());
  return seen;
}

}  // namespace

TEST_CASE("Restore brings back the spawners' clocks, pools and counts", "[sim][behaviour_state]") {
  SiteWorld site = LoadText(kLine);
  // 2.3 s in: arrivals done, items on the belt; the run-on sees more arrive and reach the sink.
  RequireRestoreRepeats(site, 1150, 4000, {}, [&] { return FlowCounts(site); });
  CHECK(site.flows->sinks().at(0).removed > 0);
}

TEST_CASE("Restore brings back belt speeds set after the snapshot", "[sim][behaviour_state]") {
  SiteWorld site = LoadText(kLine);
  auto script = [&](int i) {
    if (i == 300) site.conveyors->SetSpeed("belt", -0.2);
  };
  RequireRestoreRepeats(site, 500, 800, script,
                        [&] { return std::vector<double>{site.conveyors->speed("belt")}; });
}

TEST_CASE("Restore brings back an AMR's goal, odometry and lift", "[sim][behaviour_state]") {
  SiteWorld site = LoadText(R"(
equipment:
  - {type: amr, name: amr1, lift: true}
)");
  twin::sim::DiffDrive& amr = site.Amr("amr1");
  amr.GoTo({1.5, 0.5, 1.0});
  amr.SetLift(0.04);
  auto script = [&](int i) {
    if (i == 1500) amr.GoTo({0.5, -0.5, -2.0});
  };
  RequireRestoreRepeats(site, 400, 2500, script, [&] {
    const twin::sim::Pose2d& odometry = amr.odometry();
    return std::vector<double>{odometry.x,
                               odometry.y,
                               odometry.yaw,
                               amr.velocity().v,
                               amr.velocity().omega,
                               amr.lift_target(),
                               static_cast<double>(amr.goal_reached())};
  });
}

TEST_CASE("Restore brings back a forklift's commands", "[sim][behaviour_state]") {
  SiteWorld site = LoadText("equipment:\n  - {type: forklift, name: fl}\n");
  twin::sim::ForkliftDrive& truck = site.Forklift("fl");
  truck.SetSpeed(1.2);
  truck.SetSteer(0.2);
  auto script = [&](int i) {
    if (i != 400) return;
    truck.SetSpeed(-0.8);
    truck.SetSteer(-0.3);
    truck.SetLift(0.3);
    truck.SetTilt(0.05);
  };
  RequireRestoreRepeats(site, 300, 1000, script, [&] {
    return std::vector<double>{truck.speed_command(), truck.steer_command(), truck.lift_target(),
                               truck.tilt_target()};
  });
}

TEST_CASE("Restore brings back an arm's trajectory and a gripper's command",
          "[sim][behaviour_state]") {
  SiteWorld site = LoadTwin("factory_cell.yaml", /*autopilot=*/false);
  twin::sim::ArmController& arm = site.Arm("robot");
  twin::sim::GripperControl& cup = site.Gripper("cup");
  arm.MoveTo({0.5, -1.2, 1.2, -1.5, -1.5, 0.5}, 2.0);
  auto script = [&](int i) {
    if (i == 200) cup.SetVacuum(true);
    if (i == 300) arm.SetPayload(2.0, {0, 0, 0.1});
    if (i == 700) arm.MoveTo({-0.5, -1.4, 1.0, -1.2, -1.5, 0.0}, 0.8);
  };
  RequireRestoreRepeats(site, 250, 1200, script, [&] {
    std::vector<double> seen(arm.reference().begin(), arm.reference().end());
    seen.insert(seen.end(), arm.tracking_error().begin(), arm.tracking_error().end());
    seen.push_back(arm.payload_mass());
    seen.push_back(static_cast<double>(arm.done()));
    seen.push_back(static_cast<double>(cup.vacuum()));
    return seen;
  });
}

TEST_CASE("Restore brings back the palletize autopilot mid-cycle", "[sim][behaviour_state]") {
  SiteWorld site = LoadTwin("factory_cell.yaml", /*autopilot=*/true);
  REQUIRE(site.autopilot);
  // 4 s in: the first carton (t = 1 s) is on its way; the run-on sees it picked.
  site.world.Step(2000);
  const twin::sim::WorldSnapshot snapshot = site.world.Snapshot();
  struct RunOn {
    std::vector<std::string> status;  // the autopilot's status line and the vacuum, every 0.2 s
    std::string qpos;                 // the bits of qpos, every 0.2 s
  };
  auto run_on = [&] {
    RunOn run;
    for (int i = 0; i < 30; ++i) {
      site.world.Step(100);
      run.status.push_back(site.autopilot->Status() + "; vacuum " +
                           std::to_string(site.Gripper("cup").vacuum()));
      const mjData* d = site.world.data();
      run.qpos.append(reinterpret_cast<const char*>(d->qpos),
                      sizeof(mjtNum) * site.world.model()->nq);
    }
    return run;
  };
  const RunOn first = run_on();
  site.world.Restore(snapshot);
  const RunOn second = run_on();
  CHECK(first.status == second.status);
  const bool same_qpos = first.qpos == second.qpos;
  CHECK(same_qpos);
}

TEST_CASE("Restore brings back the warehouse autopilot's patrols and forklift task",
          "[sim][behaviour_state]") {
  SiteWorld site = LoadTwin("warehouse.yaml", /*autopilot=*/true);
  REQUIRE(site.autopilot);
  RequireRestoreRepeats(site, 1500, 3000, {}, [&] {
    const std::string status = site.autopilot->Status();
    return std::vector<double>(status.begin(), status.end());
  });
}

TEST_CASE("Restore refuses a snapshot whose behaviours are not the world's",
          "[sim][behaviour_state]") {
  SiteWorld line = LoadText(kLine);
  SiteWorld amr = LoadText("equipment:\n  - {type: amr, name: amr1}\n");
  SiteWorld same = LoadText(kLine);
  same.world.Restore(line.world.Snapshot());  // set up alike: fine
  twin::sim::WorldSnapshot snapshot = line.world.Snapshot();
  REQUIRE(snapshot.behaviours.size() == 2);
  snapshot.behaviours.pop_back();
  CHECK_THROWS_WITH(line.world.Restore(snapshot),
                    Contains("the snapshot's behaviours (conveyors)") &&
                        Contains("are not this world's (conveyors, logistics_flow)"));
  CHECK_THROWS_WITH(amr.world.Restore(line.world.Snapshot()), Contains("different model"));
}
