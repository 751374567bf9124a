// The `amr` equipment type: what a layout expands to, checked against MuJoCo's compiled model
// (body positions, joint types, actuator names, masses, contacts), and the errors of bad input.
#include <twin/base/error.h>
#include <twin/scenes/scene.h>
#include <twin/sim/world.h>

#include <catch2/catch.hpp>

#include "error_message.h"

#include <cmath>
#include <string>
#include <tuple>

using Catch::Matchers::Contains;
using twin::scenes::LoadLayoutText;
using twin::scenes::Scene;
using twin::sim::World;

namespace {

Scene Layout(const std::string& text) {
  return LoadLayoutText(text, "amr.yaml", ".");
}

// The error message of loading `text`, or "" when it loads.
std::string LoadError(const std::string& text) {
  return twin::testing::ErrorMessage([&] { Layout(text); });
}

double SubtreeMass(const mjModel* m, int body) {
  double mass = 0;
  for (int b = 0; b < m->nbody; ++b) {
    for (int p = b; p > 0; p = m->body_parentid[p]) {
      if (p == body) {
        mass += m->body_mass[b];
        break;
      }
    }
  }
  return mass;
}

}  // namespace

TEST_CASE("An AMR expands to a free body on two driven wheels and casters", "[scenes][amr]") {
  const Scene scene = Layout(R"(
equipment:
  - {type: amr, name: amr1, pose: {position: [1, 2, 0], yaw: 90}}
)");
  REQUIRE(scene.site.amrs.size() == 1);
  const twin::scenes::AmrSpec& spec = scene.site.amrs[0];
  CHECK(spec.entity == "amr1");
  // MiR100-class catalogue defaults.
  CHECK(spec.wheel_radius == 0.1);
  CHECK(spec.track == 0.5);
  CHECK(spec.max_speed == 1.5);
  CHECK(spec.max_acceleration == 0.5);
  CHECK(spec.lift_joint.empty());

  World world = World::FromScene(scene);
  const mjModel* m = world.model();
  const mjData* d = world.data();
  CHECK(m->jnt_type[world.JointId(spec.free_joint)] == mjJNT_FREE);
  CHECK(SubtreeMass(m, world.BodyId("amr1")) == Approx(70.0));
  for (const auto& [joint, actuator, side] :
       {std::tuple{spec.left_wheel_joint, spec.left_wheel_actuator, 1.0},
        {spec.right_wheel_joint, spec.right_wheel_actuator, -1.0}}) {
    const int j = world.JointId(joint);
    CHECK(m->jnt_type[j] == mjJNT_HINGE);
    // The wheel axle is the body's y axis, the wheel centres track / 2 either side, one wheel
    // radius above the floor.
    CHECK(m->jnt_axis[3 * j + 1] == 1.0);
    const int wheel = m->jnt_bodyid[j];
    CHECK(m->body_pos[3 * wheel + 0] == Approx(0).margin(1e-12));
    CHECK(m->body_pos[3 * wheel + 1] == Approx(side * 0.25));
    CHECK(m->body_pos[3 * wheel + 2] == Approx(0.1));
    const int motor = world.ActuatorId(actuator);
    CHECK(m->actuator_trntype[motor] == mjTRN_JOINT);
    CHECK(m->actuator_trnid[2 * motor] == j);
  }
  // Placed where the layout says: 90 degrees about z at (1, 2).
  const int body = world.BodyId("amr1");
  CHECK(d->xpos[3 * body + 0] == Approx(1));
  CHECK(d->xpos[3 * body + 1] == Approx(2));
  CHECK(d->xmat[9 * body + 3] == Approx(1));  // its x axis points along world y

  // Standing on the floor: exactly the two tyres and four casters touch it, none sinks in.
  world.Step(50);
  const int floor = mj_name2id(m, mjOBJ_GEOM, "floor");
  int floor_contacts = 0;
  for (int i = 0; i < d->ncon; ++i) {
    const mjContact& c = d->contact[i];
    if (c.geom1 == floor || c.geom2 == floor) ++floor_contacts;
    CHECK(c.dist > -1e-3);
  }
  CHECK(floor_contacts == 6);
}

TEST_CASE("AMR parameters override the catalogue values", "[scenes][amr]") {
  const Scene scene = Layout(R"(
equipment:
  - type: amr
    name: amr1
    wheel_radius: 0.08
    track: 0.45
    max_speed: 1.2
    max_acceleration: 0.8
    max_angular_speed: 90
    casters: 2
    lift: true
    lift_stroke: 0.06
)");
  const twin::scenes::AmrSpec& spec = scene.site.amrs.at(0);
  CHECK(spec.wheel_radius == 0.08);
  CHECK(spec.track == 0.45);
  CHECK(spec.max_speed == 1.2);
  CHECK(spec.max_acceleration == 0.8);
  CHECK(spec.max_angular_speed == Approx(M_PI / 2));
  CHECK(spec.lift_stroke == 0.06);
  CHECK(scene.site.entities.at(0).parameters.at("wheel_radius") == 0.08);

  World world = World::FromScene(scene);
  const mjModel* m = world.model();
  const int wheel = m->jnt_bodyid[world.JointId(spec.left_wheel_joint)];
  CHECK(m->body_pos[3 * wheel + 1] == Approx(0.225));
  CHECK(m->body_pos[3 * wheel + 2] == Approx(0.08));
  const int lift = world.JointId(spec.lift_joint);
  CHECK(m->jnt_type[lift] == mjJNT_SLIDE);
  CHECK(m->jnt_range[2 * lift] == 0);
  CHECK(m->jnt_range[2 * lift + 1] == Approx(0.06));
  CHECK(world.ActuatorId(spec.lift_actuator) >= 0);
  // Two casters and two tyres on the floor.
  world.Step(50);
  int floor_contacts = 0;
  const int floor = mj_name2id(m, mjOBJ_GEOM, "floor");
  for (int i = 0; i < world.data()->ncon; ++i) {
    const mjContact& c = world.data()->contact[i];
    floor_contacts += c.geom1 == floor || c.geom2 == floor;
  }
  CHECK(floor_contacts == 4);
}

TEST_CASE("AMRs and what they carry settle without sinking or drifting", "[scenes][amr]") {
  const Scene scene = Layout(R"(
equipment:
  - {type: amr, name: amr1}
  - {type: amr, name: amr2, pose: {position: [0, 2, 0], yaw: 30}, lift: true}
  - {type: carton, name: box, parent: amr2/deck}
)");
  World world = World::FromScene(scene);
  const mjData* d = world.data();
  const int robots[] = {world.BodyId("amr1"), world.BodyId("amr2")};
  const int box = world.BodyId("box");
  double start[2][3];
  for (int r = 0; r < 2; ++r) {
    for (int k = 0; k < 3; ++k) start[r][k] = d->xpos[3 * robots[r] + k];
  }
  // The carton was placed on the deck (0.352 m high).
  CHECK(d->xpos[3 * box + 2] == Approx(0.352));
  world.Step(2500);  // 5 s with the wheel motors holding still (ctrl 0)
  for (int r = 0; r < 2; ++r) {
    for (int k = 0; k < 3; ++k) CHECK(std::abs(d->xpos[3 * robots[r] + k] - start[r][k]) < 1e-3);
  }
  CHECK(d->xpos[3 * box + 2] == Approx(0.352).margin(1e-3));
  for (int i = 0; i < d->ncon; ++i) CHECK(d->contact[i].dist > -1e-3);
  CHECK(world.anomalies().empty());
}

TEST_CASE("Bad AMR parameters are errors naming the file, line and key", "[scenes][amr]") {
  SECTION("an unknown key suggests the right one") {
    const std::string error = LoadError(R"(
equipment:
  - {type: amr, name: amr1, wheel_radus: 0.1}
)");
    CHECK_THAT(error, Contains("amr.yaml:3:") && Contains("unknown key 'wheel_radus'") &&
                          Contains("did you mean 'wheel_radius'"));
  }
  SECTION("a negative wheel radius") {
    const std::string error = LoadError(R"(
equipment:
  - {type: amr, name: amr1, wheel_radius: -0.1}
)");
    CHECK_THAT(error, Contains("amr.yaml:3:") && Contains("equipment[0].wheel_radius") &&
                          Contains("must be > 0, got -0.1"));
  }
  SECTION("a maximum acceleration of zero or less") {
    for (const char* value : {"0", "-0.5"}) {
      const std::string error = LoadError(std::string(R"(
equipment:
  - type: amr
    name: amr1
    max_acceleration: )") + value + "\n");
      CHECK_THAT(error, Contains("amr.yaml:5:") && Contains("max_acceleration") &&
                            Contains("must be > 0"));
    }
  }
  SECTION("wheels that do not fit under the deck") {
    CHECK_THAT(LoadError("equipment:\n  - {type: amr, name: a, wheel_radius: 0.2}\n"),
               Contains("wheel_radius") && Contains("must fit under the deck"));
  }
  SECTION("lift settings without a lift") {
    CHECK_THAT(LoadError("equipment:\n  - {type: amr, name: a, lift_stroke: 0.1}\n"),
               Contains("lift_stroke") && Contains("add lift: true"));
  }
  SECTION("a body too short for its casters") {
    CHECK_THAT(LoadError("equipment:\n  - {type: amr, name: a, length: 0.3}\n"),
               Contains("amr.yaml:2:") && Contains("length") && Contains("4 x wheel_radius"));
  }
  SECTION("three casters") {
    CHECK_THAT(LoadError("equipment:\n  - {type: amr, name: a, casters: 3}\n"),
               Contains("casters") && Contains("2 casters (front and rear) or 4"));
  }
}

TEST_CASE("Sensors mount on an AMR's front and deck and ride along", "[scenes][amr]") {
  const Scene scene = Layout(R"(
equipment:
  - {type: amr, name: amr1, pose: {position: [2, 0, 0]}, lift: true}
sensors:
  lidars:
    - {name: scan, mount: amr1/front}
    - {name: top, mount: amr1/deck, pose: {position: [0, 0, 0.1]}}
)");
  World world = World::FromScene(scene);
  const mjModel* m = world.model();
  const mjData* d = world.data();
  const int scan = mj_name2id(m, mjOBJ_SITE, "scan"), top = mj_name2id(m, mjOBJ_SITE, "top");
  REQUIRE(scan >= 0);
  REQUIRE(top >= 0);
  // The scanner on the chassis, in the middle of the front face; the other on the lift plate.
  CHECK(m->site_bodyid[scan] == world.BodyId("amr1"));
  CHECK(d->site_xpos[3 * scan] == Approx(2 + 0.89 / 2));
  CHECK(m->site_bodyid[top] == world.BodyId("amr1/lift_plate"));
  CHECK(d->site_xpos[3 * top + 2] == Approx(0.352 + 0.1));
}
