#include <twin/sim/world.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

using twin::sim::World;
using twin::sim::WorldOptions;

namespace {
const std::string kData = TWIN_TEST_DATA;

World CellWithSeed(uint64_t seed) {
  WorldOptions options;
  options.seed = seed;
  World world = World::FromFile(kData + "/cell.xml", options);
  // Move the arm so the trajectory exercises actuators and contacts, not just a resting state.
  world.AddPreStepHook("wave", [](const mjModel&, mjData& d) {
    d.ctrl[0] = 0.8 * std::sin(2.0 * d.time);
    d.ctrl[1] = 0.5 * std::cos(3.0 * d.time);
  });
  return world;
}

bool SameBits(const mjtNum* a, const mjtNum* b, int n) {
  return std::memcmp(a, b, sizeof(mjtNum) * static_cast<size_t>(n)) == 0;
}

// Everything a user can observe of the state, compared bit for bit.
void RequireBitIdentical(const World& a, const World& b) {
  const mjModel* m = a.model();
  REQUIRE(a.step_count() == b.step_count());
  REQUIRE(std::memcmp(&a.data()->time, &b.data()->time, sizeof(mjtNum)) == 0);
  REQUIRE(SameBits(a.data()->qpos, b.data()->qpos, m->nq));
  REQUIRE(SameBits(a.data()->qvel, b.data()->qvel, m->nv));
  REQUIRE(SameBits(a.data()->qacc_warmstart, b.data()->qacc_warmstart, m->nv));
  REQUIRE(SameBits(a.data()->ctrl, b.data()->ctrl, m->nu));
  REQUIRE(SameBits(a.data()->sensordata, b.data()->sensordata, m->nsensordata));
}
}  // namespace

TEST_CASE("Two runs with the same seed are bit-identical after 10k steps", "[sim][determinism]") {
  World a = CellWithSeed(7);
  World b = CellWithSeed(7);
  for (int i = 0; i < 10; ++i) {
    a.Step(1000);
    b.Step(1000);
    RequireBitIdentical(a, b);
  }
  CHECK(a.step_count() == 10000);
}

TEST_CASE("A different seed changes the noise, never the physics", "[sim][determinism]") {
  World a = CellWithSeed(7);
  World b = CellWithSeed(8);
  a.Step(1000);
  b.Step(1000);
  const mjModel* m = a.model();
  CHECK(SameBits(a.data()->qpos, b.data()->qpos, m->nq));
  CHECK_FALSE(SameBits(a.data()->sensordata, b.data()->sensordata, m->nsensordata));
}

TEST_CASE("Snapshot and restore are bit-exact", "[sim][determinism]") {
  World world = CellWithSeed(11);
  World reference = CellWithSeed(11);

  world.Step(5000);
  const twin::sim::WorldSnapshot snapshot = world.Snapshot();
  world.Step(5000);  // run on...
  reference.Step(10000);
  RequireBitIdentical(world, reference);

  world.Restore(snapshot);  // ...go back...
  CHECK(world.step_count() == 5000);
  CHECK(world.time() == snapshot.time);
  world.Step(5000);  // ...and run on again: the same bits as never having stopped.
  RequireBitIdentical(world, reference);
}

TEST_CASE("Restore into a fresh World of the same model continues identically",
          "[sim][determinism]") {
  World first = CellWithSeed(3);
  first.Step(1234);
  const auto snapshot = first.Snapshot();
  World second = CellWithSeed(3);
  second.Restore(snapshot);
  first.Step(2000);
  second.Step(2000);
  RequireBitIdentical(first, second);
}

TEST_CASE("Restore refuses a snapshot of another model", "[sim][determinism]") {
  World cell = CellWithSeed(1);
  World robot = World::FromFile(kData + "/two_link.urdf");
  CHECK_THROWS_WITH(robot.Restore(cell.Snapshot()),
                    Catch::Matchers::Contains("snapshot was taken from a different model"));
}

TEST_CASE("Snapshot and restore are bit-exact for hooks that read derived quantities",
          "[sim][determinism]") {
  // A controller that reads what mj_step left in mjData besides the state: body positions and
  // bias forces, which are those of the step's start, not of the state it integrated to.
  auto make = [] {
    World world = World::FromFile(kData + "/cell.xml");
    world.AddPreStepHook("feedback", [](const mjModel&, mjData& d) {
      d.ctrl[0] = 0.8 * std::sin(2.0 * d.time) - 0.5 * d.xpos[3 * 2 + 2];  // the forearm's height
      d.ctrl[1] = 0.5 * std::cos(3.0 * d.time) + 0.01 * d.qfrc_bias[0];
    });
    return world;
  };
  World world = make();
  World reference = make();
  world.Step(3000);
  const twin::sim::WorldSnapshot snapshot = world.Snapshot();
  CHECK(snapshot.step_start);
  world.Step(2000);
  world.Restore(snapshot);
  world.Step(2000);
  reference.Step(5000);
  RequireBitIdentical(world, reference);

  // Into a fresh world, and again from a snapshot taken right after that restore.
  World fresh = make();
  fresh.Restore(snapshot);
  const twin::sim::WorldSnapshot again = fresh.Snapshot();
  fresh.Step(1000);
  World third = make();
  third.Restore(again);
  third.Step(1000);
  World uninterrupted = make();
  uninterrupted.Step(4000);
  RequireBitIdentical(fresh, uninterrupted);
  RequireBitIdentical(third, uninterrupted);
}
