// Beam-break states against mj_ray: a carton moved into the beam, beyond its end and away.
#include <twin/scenes/scene.h>
#include <twin/sim/beam_break.h>
#include <twin/sim/site_world.h>

#include <catch2/catch.hpp>

#include <cmath>

using twin::sim::BeamBreakReading;

namespace {

// A 1 m beam along +y at x = 0, z = 0.5, and a carton (0.3 m deep along y) parked away from it.
const char* kLayout = R"(equipment:
  - {type: carton, name: box, pose: {position: [3, 0, 0]}, size: [0.4, 0.3, 0.2]}
sensors:
  beam_breaks:
    - {name: gate, from: [0, -0.5, 0.5], to: [0, 0.5, 0.5]}
)";

// What mj_ray says from the beam's site along its +z, leaving out the body the site is on, as a
// rangefinder does: the distance to the first surface, or -1.
double RayRange(const mjModel* m, const mjData* d, int site) {
  const mjtNum dir[3] = {d->site_xmat[9 * site + 2], d->site_xmat[9 * site + 5],
                         d->site_xmat[9 * site + 8]};
  int geom = -1;
  return mj_ray(m, d, d->site_xpos + 3 * site, dir, nullptr, 1, m->site_bodyid[site], &geom);
}

}  // namespace

TEST_CASE("A beam is broken exactly when mj_ray finds something nearer than its end",
          "[sim][beam-break]") {
  twin::sim::SiteWorld site =
      twin::sim::MakeSiteWorld(twin::scenes::LoadLayoutText(kLayout, "beam.yaml", "."), {});
  twin::sim::World& world = site.world;
  REQUIRE(site.scene.site.beam_breaks.size() == 1);
  const auto& spec = site.scene.site.beam_breaks[0];
  CHECK(spec.length == Approx(1));
  const mjModel* m = world.model();
  const int gate = mj_name2id(m, mjOBJ_SITE, spec.site.c_str());
  const auto box = world.JointQpos(world.JointId("box/free"));

  struct Case {
    double x, y;   // where the carton's centre goes (z so that it spans the beam)
    bool broken;   // by construction
    double range;  // by construction: the carton's near face is 0.15 m before its centre
  };
  const Case cases[] = {
      {3, 0, false, -1},           // away: the ray hits nothing (the floor is the world body's)
      {0, 0, true, 0.35},          // in the middle of the beam
      {0, -0.2, true, 0.15},       // near its start
      {0, 1.0, false, 1.35},       // on the line, beyond its end
      {0, 0.6, true, 0.95},        // straddling its end: the near face is inside
      {0, 0.6495, false, 0.9995},  // its near face within 1 mm of the end: the end itself
      {0, 0.647, true, 0.997},     // 3 mm inside the end
      {0.25, 0, false, -1},        // beside it (0.2 m half length along x)
  };
  for (const Case& c : cases) {
    CAPTURE(c.x, c.y);
    box[0] = c.x, box[1] = c.y, box[2] = 0.5;
    world.Forward();
    const BeamBreakReading r = twin::sim::ReadBeamBreak(world, spec);
    const double truth = RayRange(m, world.data(), gate);
    CHECK(r.name == "gate");
    CHECK(r.range == Approx(truth).margin(1e-12));
    CHECK(r.broken == (truth >= 0 && truth < spec.length - 1e-3));
    CHECK(r.broken == c.broken);
    CHECK(r.range == Approx(c.range).margin(1e-9));
    // A step later (the carton has barely begun to fall) the state is the same.
    world.Step(1);
    CHECK(twin::sim::ReadBeamBreak(world, spec).broken == c.broken);
    CHECK(twin::sim::ReadBeamBreak(world, spec).stamp == world.sensor_time());
  }
}

TEST_CASE("ReadBeamBreak names a missing or wrong sensor", "[sim][beam-break]") {
  twin::sim::SiteWorld site =
      twin::sim::MakeSiteWorld(twin::scenes::LoadLayoutText(kLayout, "beam.yaml", "."), {});
  twin::scenes::BeamBreakSpec spec = site.scene.site.beam_breaks[0];
  spec.sensor = "gate/rnge";
  CHECK_THROWS_WITH(twin::sim::ReadBeamBreak(site.world, spec),
                    Catch::Matchers::Contains("gate/range"));
}
