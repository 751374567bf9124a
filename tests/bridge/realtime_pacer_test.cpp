#include <twin/base/error.h>
#include <twin/bridge/realtime_pacer.h>

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>

namespace {
using twin::bridge::PacerClock;
using twin::bridge::PacerOptions;
using twin::bridge::RealtimePacer;

// A wall clock that moves only when the pacer sleeps (waking up late by a random overshoot, as a
// loaded machine does) or when the test spends time "computing" a step.
struct FakeWall {
  int64_t now = 1'000'000'000;
  std::mt19937 rng{7};
  int64_t max_overshoot_ns = 0;
  PacerClock Clock() {
    return {[this] { return now; },
            [this](int64_t deadline) {
              std::uniform_int_distribution<int64_t> overshoot(0, max_overshoot_ns);
              now = std::max(now, deadline) + overshoot(rng);
            }};
  }
};
}  // namespace

TEST_CASE(
    "the realtime pacer does not drift: an hour of 2 ms steps with late wake-ups ends "
    "within one wake-up of the wall clock",
    "[bridge][pacer]") {
  FakeWall wall;
  wall.max_overshoot_ns = 300'000;  // every sleep wakes up to 0.3 ms late
  RealtimePacer pacer({}, wall.Clock());
  const int64_t start = wall.now;
  const double dt = 0.002;
  double sim = 0;
  pacer.Anchor(sim);
  for (int64_t step = 0; step < 1'800'000; ++step) {
    wall.now += 100'000;  // the step's own work: 0.1 ms
    sim += dt;            // as MuJoCo counts time: its rounding is part of the drift
    pacer.WaitUntil(sim);
  }
  const double elapsed = static_cast<double>(wall.now - start) / 1e9;
  // Deadlines come from the anchor: 1.8 million late wake-ups cost one wake-up in the end.
  CHECK(elapsed - sim >= 0);
  CHECK(elapsed - sim <= 0.0003 + 1e-9);
  CHECK(pacer.stats().late == 0);
  CHECK(pacer.stats().reanchors == 0);
}

TEST_CASE("the realtime pacer catches up after a short stall and re-anchors after a long one",
          "[bridge][pacer]") {
  FakeWall wall;
  PacerOptions options;
  options.max_catch_up = 0.5;
  RealtimePacer pacer(options, wall.Clock());
  pacer.Anchor(0);
  pacer.WaitUntil(0.01);
  const int64_t after_first = wall.now;
  wall.now += 200'000'000;  // a 0.2 s stall (a slow render)
  CHECK(pacer.WaitUntil(0.02) == Approx(0.19).margin(1e-9));
  // The steps already due run without sleeping until sim time meets the wall clock again.
  CHECK(pacer.WaitUntil(0.1) == Approx(0.11).margin(1e-9));
  CHECK(pacer.WaitUntil(0.2) == Approx(0.01).margin(1e-9));
  CHECK(wall.now == after_first + 200'000'000);
  CHECK(pacer.WaitUntil(0.3) == 0);
  CHECK(wall.now == after_first + 290'000'000);  // on the original schedule again
  CHECK(pacer.stats().late == 2);                // 0.19 and 0.11 s behind; 0.01 is not late
  CHECK(pacer.stats().worst_behind == Approx(0.19).margin(1e-9));
  CHECK(pacer.stats().reanchors == 0);

  wall.now += 2'000'000'000;  // a 2 s stall: too long to make good at full speed
  CHECK(pacer.WaitUntil(0.31) == Approx(1.99).margin(1e-9));
  CHECK(pacer.stats().reanchors == 1);
  CHECK(pacer.stats().lost_time == Approx(1.99).margin(1e-9));
  const int64_t reanchored = wall.now;
  pacer.WaitUntil(0.33);
  CHECK(wall.now == reanchored + 20'000'000);  // paced from the new anchor
}

TEST_CASE("the realtime pacer runs at its factor and refuses a bad one", "[bridge][pacer]") {
  FakeWall wall;
  RealtimePacer pacer({}, wall.Clock());
  pacer.Anchor(0);
  pacer.SetFactor(4);  // four sim seconds per wall second
  const int64_t start = wall.now;
  pacer.WaitUntil(2.0);
  CHECK(wall.now - start == 500'000'000);
  for (double bad : {0.0, -1.0, std::nan("")})
    CHECK_THROWS_WITH(pacer.SetFactor(bad), Catch::Contains("positive"));
  CHECK(pacer.factor() == 4);
}

TEST_CASE("the realtime pacer never wakes before the deadline on the real clock",
          "[bridge][pacer]") {
  const PacerClock clock = twin::bridge::MonotonicClock();
  RealtimePacer pacer;
  pacer.Anchor(0);
  const int64_t start = clock.now_ns();
  for (int i = 1; i <= 20; ++i) {
    pacer.WaitUntil(i * 0.001);
    CHECK(clock.now_ns() - start >= i * 1'000'000);
  }
}
