// The `forklift` equipment type: its compiled model (joints, wheels, mast, masses), forks that fit
// an EUR pallet (checked with MuJoCo's own contacts and geom positions), and bad input.
#include <twin/base/error.h>
#include <twin/scenes/scene.h>
#include <twin/sim/world.h>

#include <catch2/catch.hpp>

#include "error_message.h"

#include <cmath>
#include <sstream>
#include <string>

using Catch::Matchers::Contains;
using twin::scenes::LoadLayoutText;
using twin::scenes::Scene;
using twin::sim::World;

namespace {

Scene Layout(const std::string& text) {
  return LoadLayoutText(text, "forklift.yaml", ".");
}

std::string LoadError(const std::string& text) {
  return twin::testing::ErrorMessage([&] { Layout(text); });
}

int Geom(const mjModel* m, const std::string& name) {
  const int id = mj_name2id(m, mjOBJ_GEOM, name.c_str());
  REQUIRE(id >= 0);
  return id;
}

// World-frame extent of an axis-aligned box geom along axis k (0 x, 1 y, 2 z).
double Low(const mjModel* m, const mjData* d, int geom, int k) {
  return d->geom_xpos[3 * geom + k] - m->geom_size[3 * geom + k];
}
double High(const mjModel* m, const mjData* d, int geom, int k) {
  return d->geom_xpos[3 * geom + k] + m->geom_size[3 * geom + k];
}

std::string Number(double x) {
  std::ostringstream out;
  out.precision(10);
  out << x;
  return out.str();
}

}  // namespace

TEST_CASE("A forklift expands to a steered, counterbalanced truck with a tilting mast",
          "[scenes][forklift]") {
  const Scene scene = Layout(R"(
equipment:
  - {type: forklift, name: fl}
)");
  REQUIRE(scene.site.forklifts.size() == 1);
  const twin::scenes::ForkliftSpec& spec = scene.site.forklifts[0];
  CHECK(spec.wheelbase == 1.4);
  CHECK(spec.fork_length == 1.15);
  CHECK(spec.lift_height == 3.0);
  CHECK(spec.max_speed == 3.0);

  World world = World::FromScene(scene);
  const mjModel* m = world.model();
  const mjData* d = world.data();
  double mass = 0;
  for (int b = 1; b < m->nbody; ++b) mass += m->body_mass[b];
  CHECK(mass == Approx(2800));
  CHECK(m->jnt_type[world.JointId(spec.free_joint)] == mjJNT_FREE);
  CHECK(m->jnt_type[world.JointId(spec.steer_joint)] == mjJNT_HINGE);
  CHECK(m->jnt_axis[3 * world.JointId(spec.steer_joint) + 2] == 1.0);  // vertical
  CHECK(m->jnt_type[world.JointId(spec.tilt_joint)] == mjJNT_HINGE);
  CHECK(m->jnt_type[world.JointId(spec.lift_joint)] == mjJNT_SLIDE);
  CHECK(m->jnt_type[world.JointId(spec.mast_joint)] == mjJNT_SLIDE);
  for (const std::string& actuator :
       {spec.left_wheel_actuator, spec.right_wheel_actuator, spec.steer_actuator,
        spec.tilt_actuator, spec.mast_actuator, spec.lift_actuator}) {
    CHECK(world.ActuatorId(actuator) >= 0);
  }
  // The stages together lift the forks by lift_height.
  const int lift = world.JointId(spec.lift_joint), mast = world.JointId(spec.mast_joint);
  CHECK(m->jnt_range[2 * lift + 1] + m->jnt_range[2 * mast + 1] == Approx(3.0));
  CHECK(m->jnt_range[2 * lift + 1] == Approx(spec.free_lift));

  // Wheelbase: front wheels on the origin's axle line, the steer axis 1.4 m behind.
  const int steer_body = m->jnt_bodyid[world.JointId(spec.steer_joint)];
  CHECK(d->xpos[3 * steer_body] == Approx(-1.4));
  const int left = m->jnt_bodyid[world.JointId(spec.left_wheel_joint)];
  CHECK(d->xpos[3 * left] == Approx(0).margin(1e-12));
  CHECK(d->xpos[3 * left + 1] == Approx(0.45));

  // Three wheels on the floor and nothing else of the truck touching anything.
  world.Step(50);
  const int floor = Geom(m, "floor");
  int floor_contacts = 0;
  for (int i = 0; i < d->ncon; ++i) {
    const mjContact& c = d->contact[i];
    CHECK((c.geom1 == floor || c.geom2 == floor));
    floor_contacts += c.geom1 == floor || c.geom2 == floor;
    CHECK(c.dist > -1e-3);
  }
  CHECK(floor_contacts == 3);
}

TEST_CASE("The forks enter an EUR pallet between its blocks and under its deck",
          "[scenes][forklift]") {
  // Where the fork heels are, from the compiled truck alone.
  World truck = World::FromScene(Layout("equipment:\n  - {type: forklift, name: fl}\n"));
  const double heel =
      High(truck.model(), truck.data(), Geom(truck.model(), "fl/fork_left_shank"), 0);
  const double tip = High(truck.model(), truck.data(), Geom(truck.model(), "fl/fork_left"), 0);
  CHECK(tip - heel == Approx(1.15));

  // The pallet (1.2 m long) placed 2 cm in front of the heels: the forks are inside it.
  const Scene scene = Layout(R"(
equipment:
  - {type: forklift, name: fl}
  - {type: pallet, name: p, pose: {position: [)" +
                             Number(heel + 0.62) + R"(, 0, 0]}}
)");
  World world = World::FromScene(scene);
  const mjModel* m = world.model();
  const mjData* d = world.data();
  const int floor = Geom(m, "floor");
  const int pallet = world.BodyId("p");
  // Not one contact between the pallet and anything but the floor.
  for (int i = 0; i < d->ncon; ++i) {
    const mjContact& c = d->contact[i];
    const bool touches_pallet =
        m->geom_bodyid[c.geom1] == pallet || m->geom_bodyid[c.geom2] == pallet;
    if (touches_pallet) CHECK((c.geom1 == floor || c.geom2 == floor));
  }
  // The tines lie under the deck, above the floor, with room to lift into the deck.
  const int deck = Geom(m, "p/deck");
  for (const char* tine : {"fl/fork_left", "fl/fork_right"}) {
    const int fork = Geom(m, tine);
    CHECK(Low(m, d, fork, 2) >= 0.01);
    CHECK(High(m, d, fork, 2) < Low(m, d, deck, 2) - 0.02);
    CHECK(High(m, d, fork, 0) < High(m, d, deck, 0));  // the tips stay inside the pallet
  }
}

TEST_CASE("A load placed on the forks rests on the tines", "[scenes][forklift]") {
  const Scene scene = Layout(R"(
equipment:
  - {type: forklift, name: fl, pose: {position: [2, 1, 0], yaw: 45}}
  - {type: carton, name: box, parent: fl/forks, size: [0.6, 0.6, 0.3]}
)");
  World world = World::FromScene(scene);
  const mjModel* m = world.model();
  const mjData* d = world.data();
  const double fork_top = High(m, d, Geom(m, "fl/fork_left"), 2);
  CHECK(d->xpos[3 * world.BodyId("box") + 2] == Approx(fork_top).margin(1e-9));
}

TEST_CASE("A forklift with a loaded pallet settles without sinking or drifting",
          "[scenes][forklift]") {
  const Scene scene = Layout(R"(
equipment:
  - {type: forklift, name: fl, pose: {position: [0, 0, 0], yaw: 20}}
  - {type: pallet, name: p, pose: {position: [4, 0, 0]}}
  - {type: carton, name: box, parent: p}
)");
  World world = World::FromScene(scene);
  const mjData* d = world.data();
  const int truck = world.BodyId("fl");
  const double x0 = d->xpos[3 * truck], y0 = d->xpos[3 * truck + 1];
  world.Step(1500);  // 3 s, no drive attached: motors hold the wheels, valves hold the mast
  CHECK(std::abs(d->xpos[3 * truck] - x0) < 1e-3);
  CHECK(std::abs(d->xpos[3 * truck + 1] - y0) < 1e-3);
  CHECK(std::abs(d->xpos[3 * truck + 2]) < 2e-3);
  CHECK(d->xpos[3 * world.BodyId("box") + 2] == Approx(0.144).margin(1e-3));
  for (int i = 0; i < d->ncon; ++i) CHECK(d->contact[i].dist > -2e-3);
  CHECK(world.anomalies().empty());
}

TEST_CASE("Bad forklift parameters are errors naming the file, line and key",
          "[scenes][forklift]") {
  SECTION("an unknown key suggests the right one") {
    CHECK_THAT(LoadError("equipment:\n  - {type: forklift, name: f, fork_lenght: 1.2}\n"),
               Contains("forklift.yaml:2:") && Contains("unknown key 'fork_lenght'") &&
                   Contains("did you mean 'fork_length'"));
  }
  SECTION("a negative wheel radius") {
    CHECK_THAT(LoadError("equipment:\n  - {type: forklift, name: f, wheel_radius: -0.2}\n"),
               Contains("forklift.yaml:2:") && Contains("wheel_radius") &&
                   Contains("must be > 0, got -0.2"));
  }
  SECTION("a maximum acceleration of zero") {
    CHECK_THAT(LoadError("equipment:\n  - {type: forklift, name: f, max_acceleration: 0}\n"),
               Contains("max_acceleration") && Contains("must be > 0, got 0"));
  }
  SECTION("a lift height the mast cannot reach") {
    CHECK_THAT(LoadError("equipment:\n  - {type: forklift, name: f, lift_height: 5}\n"),
               Contains("lift_height") && Contains("lifts at most 3.1"));
  }
  SECTION("tines that overlap") {
    CHECK_THAT(LoadError("equipment:\n  - {type: forklift, name: f, fork_spread: 0.08}\n"),
               Contains("fork_spread") && Contains("tines overlap"));
  }
  SECTION("a steer angle beyond the steering's reach") {
    CHECK_THAT(LoadError("equipment:\n  - {type: forklift, name: f, max_steer: 90}\n"),
               Contains("max_steer") && Contains("must be in [1, 85], got 90"));
  }
}

TEST_CASE("A sensor on the forks rides on the fork carriage", "[scenes][forklift]") {
  const Scene scene = Layout(R"(
equipment:
  - {type: forklift, name: fl}
sensors:
  lidars:
    - {name: fork_scan, mount: fl/forks}
    - {name: roof_scan, mount: fl/roof}
)");
  World world = World::FromScene(scene);
  const mjModel* m = world.model();
  const mjData* d = world.data();
  const int forks = mj_name2id(m, mjOBJ_SITE, "fork_scan");
  const int roof = mj_name2id(m, mjOBJ_SITE, "roof_scan");
  REQUIRE(forks >= 0);
  REQUIRE(roof >= 0);
  CHECK(m->site_bodyid[forks] == world.BodyId("fl/carriage"));
  CHECK(d->site_xpos[3 * forks + 2] == Approx(High(m, d, Geom(m, "fl/fork_left"), 2)));
  CHECK(m->site_bodyid[roof] == world.BodyId("fl"));
  CHECK(d->site_xpos[3 * roof + 2] == Approx(2.1));
}
