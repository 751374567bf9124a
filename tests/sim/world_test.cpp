#include <twin/base/error.h>
#include <twin/sim/world.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>

using Catch::Matchers::Contains;
using twin::sim::World;

namespace {
const std::string kData = TWIN_TEST_DATA;
World Cell() {
  return World::FromFile(kData + "/cell.xml");
}
}  // namespace

TEST_CASE("World loads a file and steps at the model's timestep", "[sim][world]") {
  World world = Cell();
  CHECK(world.name() == kData + "/cell.xml");
  CHECK(world.timestep() == 0.002);
  CHECK(world.time() == 0.0);
  CHECK(world.Step(250) == 250);
  CHECK(world.step_count() == 250);
  CHECK(world.time() == Approx(0.5).epsilon(1e-12));
  CHECK_FALSE(world.diverged());
  CHECK(world.anomalies().empty());
}

TEST_CASE("The carton falls and comes to rest on the floor", "[sim][world]") {
  World world = Cell();
  const int carton = world.JointId("carton_free");
  CHECK(world.JointQpos(carton)[2] == Approx(0.3));
  world.Step(1500);  // 3 s
  // Half its height above the floor, at rest (within MuJoCo's soft-contact penetration).
  CHECK(world.JointQpos(carton)[2] == Approx(0.05).margin(0.002));
  for (mjtNum v : world.JointQvel(carton)) CHECK(std::abs(v) < 1e-3);
  CHECK(world.JointQpos(carton).size() == 7);
  CHECK(world.JointQvel(carton).size() == 6);
}

TEST_CASE("Named access finds bodies, joints, actuators, sensors and cameras", "[sim][world]") {
  World world = Cell();
  const mjModel* m = world.model();
  CHECK(std::string(mj_id2name(m, mjOBJ_BODY, world.BodyId("forearm"))) == "forearm");
  CHECK(std::string(mj_id2name(m, mjOBJ_JOINT, world.JointId("elbow"))) == "elbow");
  CHECK(std::string(mj_id2name(m, mjOBJ_ACTUATOR, world.ActuatorId("elbow_servo"))) ==
        "elbow_servo");
  CHECK(std::string(mj_id2name(m, mjOBJ_SENSOR, world.SensorId("tool_pos"))) == "tool_pos");
  CHECK(world.CameraId("overhead") == 0);
  CHECK(world.SensorReading(world.SensorId("tool_pos")).size() == 3);
  CHECK(world.JointQpos(world.JointId("elbow")).size() == 1);
}

TEST_CASE("An unknown name is an error that suggests the closest names", "[sim][world]") {
  World world = Cell();
  CHECK_THROWS_AS(world.JointId("elbo"), twin::base::Error);
  CHECK_THROWS_WITH(world.JointId("elbo"),
                    Contains("has no joint named 'elbo' (did you mean 'elbow'?)"));
  CHECK_THROWS_WITH(world.ActuatorId("shoulder_servoo"),
                    Contains("did you mean 'shoulder_servo'?"));
  CHECK_THROWS_WITH(world.BodyId("pallet"), Contains("has no body named 'pallet'"));
  CHECK_THROWS_WITH(world.CameraId("wrist"), Contains("has no camera named 'wrist'"));
}

TEST_CASE("Position actuators settle where their spring balances gravity", "[sim][world]") {
  World world = Cell();
  struct Servo {
    const char *actuator, *joint;
    double target, kp;
  } servos[] = {{"shoulder_servo", "shoulder", 0.4, 40}, {"elbow_servo", "elbow", -0.3, 20}};
  for (const Servo& s : servos) world.SetControl(world.ActuatorId(s.actuator), s.target);
  world.Step(5000);  // 10 s
  for (const Servo& s : servos) {
    const int joint = world.JointId(s.joint);
    const int dof = world.model()->jnt_dofadr[joint];
    const double q = world.JointQpos(joint)[0];
    INFO(s.joint << " at " << q);
    CHECK(std::abs(world.JointQvel(joint)[0]) < 1e-3);  // at rest
    // A position servo is a spring kp * (target - q); at rest it carries the gravity torque.
    CHECK(s.kp * (s.target - q) == Approx(world.data()->qfrc_bias[dof]).margin(5e-3));
    CHECK(std::abs(q - s.target) < 0.1);  // and a stiff enough servo stays near its target
  }
}

TEST_CASE("Step hooks run before and after every step, in order", "[sim][world]") {
  World world = Cell();
  std::string trace;
  double time_seen_before = -1;
  world.AddPreStepHook("a", [&](const mjModel&, mjData& d) {
    trace += "a";
    time_seen_before = d.time;
  });
  world.AddPreStepHook("b", [&](const mjModel&, mjData&) { trace += "b"; });
  world.AddPostStepHook("c", [&](const mjModel&, mjData&) { trace += "c"; });
  world.Step(3);
  CHECK(trace == "abcabcabc");
  CHECK(time_seen_before == Approx(0.004));

  // A pre-step hook that pushes the carton sideways: a behaviour acting through mjData.
  World pushed = Cell();
  const int carton = pushed.BodyId("carton");
  pushed.AddPreStepHook(
      "push", [carton](const mjModel&, mjData& d) { d.xfrc_applied[6 * carton + 0] = 5.0; });
  World free = Cell();
  pushed.Step(500);
  free.Step(500);
  CHECK(pushed.data()->xpos[3 * carton] > free.data()->xpos[3 * carton] + 0.1);
}

TEST_CASE("Reset returns to the initial state and clears the step count", "[sim][world]") {
  World world = Cell();
  const int carton = world.JointId("carton_free");
  world.Step(400);
  CHECK(world.JointQpos(carton)[2] < 0.3);
  world.Reset();
  CHECK(world.step_count() == 0);
  CHECK(world.time() == 0.0);
  CHECK(world.JointQpos(carton)[2] == 0.3);
}

TEST_CASE("Sensor noise follows each sensor's noise attribute", "[sim][world]") {
  twin::sim::WorldOptions quiet;
  quiet.sensor_noise = false;
  World noisy = Cell();
  World clean = World::FromFile(kData + "/cell.xml", quiet);
  // The arm hangs still after settling, so clean readings are constant and the difference is
  // the noise alone.
  noisy.Step(2000);
  clean.Step(2000);
  const int angle = noisy.SensorId("shoulder_angle");
  const int tool = noisy.SensorId("tool_pos");
  double sum = 0, sum_sq = 0;
  constexpr int kSteps = 4000;
  for (int i = 0; i < kSteps; ++i) {
    noisy.Step(1);
    clean.Step(1);
    const double e = noisy.SensorReading(angle)[0] - clean.SensorReading(angle)[0];
    sum += e;
    sum_sq += e * e;
    // Sensors without noise="..." are untouched.
    REQUIRE(noisy.SensorReading(tool)[0] == clean.SensorReading(tool)[0]);
  }
  const double stddev = std::sqrt(sum_sq / kSteps - (sum / kSteps) * (sum / kSteps));
  CHECK(stddev == Approx(0.001).epsilon(0.05));  // noise="0.001"
  CHECK(std::abs(sum / kSteps) < 5 * 0.001 / std::sqrt(kSteps));
  // Noise is added to the readings only: the physics is the same.
  CHECK(noisy.data()->qpos[0] == clean.data()->qpos[0]);
}

// Not run by default: tools/cli_test runs it in a child process to prove that the listener fails
// a test whose MuJoCo warning was not expected.
TEST_CASE("listener self-test: an unexpected warning fails the test", "[.][listener-selftest]") {
  World world = Cell();
  world.SetControl(0, std::numeric_limits<double>::infinity());
  world.Step(1);
}
