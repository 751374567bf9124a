#include <twin/base/error.h>
#include <twin/sim/world.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "mujoco_warnings.h"

using Catch::Matchers::Contains;
using twin::sim::AnomalyKind;
using twin::sim::DivergencePolicy;
using twin::sim::World;
using twin::sim::WorldOptions;

namespace {
const std::string kData = TWIN_TEST_DATA;

WorldOptions Capturing(std::vector<std::string>* lines, DivergencePolicy policy) {
  WorldOptions options;
  options.on_divergence = policy;
  options.log = [lines](const std::string& line) { lines->push_back(line); };
  return options;
}
}  // namespace

TEST_CASE("A diverging model is stopped and reported with step, time and joint",
          "[sim][divergence]") {
  twin::testing::ExpectMujocoWarnings expect;
  std::vector<std::string> log;
  World world = World::FromFile(kData + "/diverging.xml", Capturing(&log, DivergencePolicy::kStop));
  const int64_t taken = world.Step(1000);
  CHECK(taken < 1000);
  CHECK(world.diverged());
  REQUIRE(world.anomalies().size() >= 1);
  const twin::sim::Anomaly& first = world.anomalies().front();
  CHECK(twin::sim::IsDivergence(first.kind));
  CHECK(first.first_step == taken);
  CHECK_THAT(first.where, Contains("joint 'spring'") && Contains("of body 'slider'"));
  REQUIRE(log.size() == world.anomalies().size());
  CHECK_THAT(log[0], Contains("diverging.xml: step " + std::to_string(taken)) &&
                         Contains("joint 'spring'") && Contains("reduce <option timestep>"));
  // Stepping a stopped world does nothing until it is reset.
  CHECK(world.Step(10) == 0);
  world.Reset();
  CHECK_FALSE(world.diverged());
  CHECK(world.Step(1) == 1);
}

TEST_CASE("Under the reset policy a diverging model is reset and counted", "[sim][divergence]") {
  twin::testing::ExpectMujocoWarnings expect;
  std::vector<std::string> log;
  World world =
      World::FromFile(kData + "/diverging.xml", Capturing(&log, DivergencePolicy::kReset));
  CHECK(world.Step(1000) == 1000);
  CHECK_FALSE(world.diverged());
  CHECK(world.divergence_resets() > 10);
  // One log line per kind, however often it happens.
  CHECK(log.size() == world.anomalies().size());
  int64_t counted = 0;
  for (const auto& a : world.anomalies()) {
    if (twin::sim::IsDivergence(a.kind)) counted += a.count;
  }
  CHECK(counted >= world.divergence_resets());
}

TEST_CASE("MuJoCo's BADQACC warning is caught and names the dof", "[sim][divergence]") {
  // An actuator gain of 1e300 turns a modest control into an infinite force: MuJoCo finds a bad
  // qacc inside the step and resets its data. World must report that, not carry on silently.
  const char* xml = R"(
    <mujoco model="badqacc">
      <worldbody><body name="cart"><joint name="rail" type="slide"/>
        <geom type="box" size=".1 .1 .1" mass="1"/></body></worldbody>
      <actuator><motor name="push" joint="rail" gear="1e300"/></actuator>
    </mujoco>)";
  twin::testing::ExpectMujocoWarnings expect;
  std::vector<std::string> log;
  World world = World::FromXml(xml, Capturing(&log, DivergencePolicy::kStop), "badqacc");
  world.SetControl(0, 1e10);
  world.Step(5);
  REQUIRE(world.diverged());
  const auto& a = world.anomalies().front();
  CHECK((a.kind == AnomalyKind::kBadQacc || a.kind == AnomalyKind::kNonFinite));
  CHECK_THAT(a.where, Contains("joint 'rail'") && Contains("of body 'cart'"));
  CHECK_FALSE(expect.texts().empty());
}

TEST_CASE("A NaN control is reported as BADCTRL and does not stop the world", "[sim][divergence]") {
  twin::testing::ExpectMujocoWarnings expect;
  std::vector<std::string> log;
  World world = World::FromFile(kData + "/cell.xml", Capturing(&log, DivergencePolicy::kStop));
  world.SetControl(world.ActuatorId("elbow_servo"), std::numeric_limits<double>::quiet_NaN());
  world.Step(10);
  CHECK_FALSE(world.diverged());
  REQUIRE(world.anomalies().size() == 1);
  CHECK(world.anomalies()[0].kind == AnomalyKind::kBadCtrl);
  CHECK(world.anomalies()[0].where == "actuator 'elbow_servo' (ctrl 1)");
  CHECK_THAT(log.at(0), Contains("BADCTRL") && Contains("MuJoCo zeroed all controls"));
}

TEST_CASE("A MuJoCo error inside a step becomes an anomaly, not an exit", "[sim][divergence]") {
  std::vector<std::string> log;
  World world =
      World::FromFile(kData + "/stack_overflow.xml", Capturing(&log, DivergencePolicy::kStop));
  world.Step(1000);  // the boxes land after ~0.12 s and the contacts overflow the stack
  REQUIRE(world.diverged());
  CHECK(world.anomalies().front().kind == AnomalyKind::kMujocoError);
  CHECK_THAT(log.at(0), Contains("Stack overflow") && Contains("raise <size nstack"));
  // The world is still usable after a reset.
  world.Reset();
  CHECK(world.Step(10) == 10);
  CHECK(world.data()->pstack == 0);
}
