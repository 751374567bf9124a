// Domain randomization of the warehouse twin, checked against what MuJoCo holds (model fields,
// body poses, contacts), not against what the randomizer says it drew.
#include <twin/sim/domain_randomizer.h>
#include <twin/sim/site_world.h>

#include <catch2/catch.hpp>

#include "warehouse_world.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using twin::sim::DomainRandomizer;
using twin::sim::FrameDraw;
using twin::sim::SiteWorld;

namespace {

const std::string& kWarehouse = twin::testing::kWarehouseLayout;

SiteWorld Warehouse() {
  return twin::testing::QuietWarehouse();
}

// Everything a frame is made of, as bytes: state and the model fields randomization writes.
std::vector<uint8_t> Fingerprint(const mjModel* m, const mjData* d) {
  std::vector<uint8_t> out;
  auto add = [&](const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    out.insert(out.end(), b, b + n);
  };
  add(d->qpos, sizeof(mjtNum) * m->nq);
  add(d->qvel, sizeof(mjtNum) * m->nv);
  add(m->light_active, m->nlight);
  add(m->light_dir, sizeof(mjtNum) * 3 * m->nlight);
  add(m->light_diffuse, sizeof(float) * 3 * m->nlight);
  add(m->light_specular, sizeof(float) * 3 * m->nlight);
  add(m->geom_rgba, sizeof(float) * 4 * m->ngeom);
  add(m->geom_matid, sizeof(int) * m->ngeom);
  add(m->geom_friction, sizeof(mjtNum) * 3 * m->ngeom);
  add(m->body_mass, sizeof(mjtNum) * m->nbody);
  add(m->body_inertia, sizeof(mjtNum) * 3 * m->nbody);
  add(m->cam_pos, sizeof(mjtNum) * 3 * m->ncam);
  add(m->cam_quat, sizeof(mjtNum) * 4 * m->ncam);
  return out;
}

double Value(const float* rgb) {
  return std::max({rgb[0], rgb[1], rgb[2]});
}
double Hue(const float* rgb) {
  const double r = rgb[0], g = rgb[1], b = rgb[2];
  const double mx = std::max({r, g, b}), mn = std::min({r, g, b}), delta = mx - mn;
  if (delta <= 0) return 0;
  double h = mx == r   ? 60 * std::fmod((g - b) / delta, 6.0)
             : mx == g ? 60 * ((b - r) / delta + 2)
                       : 60 * ((r - g) / delta + 4);
  return h < 0 ? h + 360 : h;
}

}  // namespace

TEST_CASE("Randomized warehouse frames vary, stay within the ranges, and settle",
          "[sim][randomize]") {
  SiteWorld site = Warehouse();
  twin::sim::World& world = site.world;
  const twin::scenes::RandomizeSpec& spec = site.scene.site.randomize;
  REQUIRE(spec.lights);
  REQUIRE(spec.objects);
  REQUIRE(spec.distractors);
  // The base, from a copy of the model as loaded.
  mjModel* base = mj_copyModel(nullptr, world.model());
  DomainRandomizer randomizer(site.scene.site, spec, world);
  const mjModel* m = world.model();
  const mjData* d = world.data();

  const auto& objects = spec.objects->front();
  const auto& distractors = *spec.distractors;
  std::vector<int> pool, decoys;
  for (const std::string& name : objects.pool) pool.push_back(world.BodyId(name));
  for (const std::string& name : distractors.entities) decoys.push_back(world.BodyId(name));
  std::set<int> material_choices;
  for (const std::string& name : spec.materials->front().materials)
    material_choices.insert(mj_name2id(m, mjOBJ_MATERIAL, name.c_str()));
  const int moving = world.BodyId("parcel1"), welded = world.BodyId("rack_a");

  std::set<int> light_counts, parcel_counts, decoy_counts, materials_seen;
  double lo_intensity = 1e9, hi_intensity = 0, lo_friction = 1e9, hi_friction = 0;
  double lo_mass = 1e9, hi_mass = 0, lo_cam = 1e9, hi_cam = -1e9, lo_value = 1e9, hi_value = 0;
  std::set<long> parcel_spots;
  for (uint64_t k = 0; k < 30; ++k) {
    CAPTURE(k);
    const FrameDraw draw = randomizer.Apply(world, 42, k);

    // Lights: how many are on, scale (the largest channel ratio: the tint's largest is 1), tilt.
    int on = 0;
    for (int l = 0; l < m->nlight; ++l) {
      on += m->light_active[l];
      double ratio = 0;
      for (int c = 0; c < 3; ++c)
        ratio =
            std::max(ratio, double(m->light_diffuse[3 * l + c] / base->light_diffuse[3 * l + c]));
      CHECK(ratio >= 0.6 - 1e-6);
      CHECK(ratio <= 1.4 + 1e-6);
      lo_intensity = std::min(lo_intensity, ratio);
      hi_intensity = std::max(hi_intensity, ratio);
      const double cosine = mju_dot3(m->light_dir + 3 * l, base->light_dir + 3 * l) /
                            (mju_norm3(m->light_dir + 3 * l) * mju_norm3(base->light_dir + 3 * l));
      CHECK(std::acos(std::min(1.0, cosine)) * 180 / M_PI <= 15 + 1e-6);
    }
    CHECK(on >= 1);
    CHECK(on <= 3);
    light_counts.insert(on);

    // Parcels: one of the listed materials, value and hue within the ranges of its material.
    for (int b : pool) {
      const int g = m->body_geomadr[b];
      const int mat = m->geom_matid[g];
      CHECK(material_choices.count(mat) == 1);
      materials_seen.insert(mat);
      const double value = Value(m->geom_rgba + 4 * g) / Value(m->mat_rgba + 4 * mat);
      CHECK(value >= 0.7 - 1e-5);
      CHECK(value <= 1.2 + 1e-5);
      lo_value = std::min(lo_value, value);
      hi_value = std::max(hi_value, value);
      double dh = std::abs(Hue(m->geom_rgba + 4 * g) - Hue(m->mat_rgba + 4 * mat));
      dh = std::min(dh, 360 - dh);
      CHECK(dh <= 15 + 1e-3);
    }

    // Physics: one friction scale for every geom, one mass scale for every moving body.
    const double friction = m->geom_friction[0] / base->geom_friction[0];
    CHECK(friction >= 0.7);
    CHECK(friction <= 1.3);
    for (int g = 0; g < m->ngeom; ++g)
      CHECK(m->geom_friction[3 * g] == Approx(base->geom_friction[3 * g] * friction));
    lo_friction = std::min(lo_friction, friction);
    hi_friction = std::max(hi_friction, friction);
    const double mass = m->body_mass[moving] / base->body_mass[moving];
    CHECK(mass >= 0.8);
    CHECK(mass <= 1.2);
    CHECK(m->body_mass[welded] == base->body_mass[welded]);
    lo_mass = std::min(lo_mass, mass);
    hi_mass = std::max(hi_mass, mass);

    // Cameras: position within +-5 cm per axis, orientation within three 2-degree turns.
    for (int c = 0; c < m->ncam; ++c) {
      for (int a = 0; a < 3; ++a) {
        const double dp = m->cam_pos[3 * c + a] - base->cam_pos[3 * c + a];
        CHECK(std::abs(dp) <= 0.05 + 1e-12);
        lo_cam = std::min(lo_cam, dp);
        hi_cam = std::max(hi_cam, dp);
      }
      const double dot = std::abs(mju_dot(m->cam_quat + 4 * c, base->cam_quat + 4 * c, 4));
      CHECK(2 * std::acos(std::min(1.0, dot)) * 180 / M_PI <= 6.0);
    }

    // Counts: bodies in the site (within 100 m of the origin) vs parked far away.
    auto in_site = [&](int b) { return std::hypot(d->xpos[3 * b], d->xpos[3 * b + 1]) < 100; };
    const int parcels = static_cast<int>(std::count_if(pool.begin(), pool.end(), in_site));
    const int decoys_in = static_cast<int>(std::count_if(decoys.begin(), decoys.end(), in_site));
    CHECK(parcels >= objects.count->min);
    CHECK(parcels <= objects.count->max);
    CHECK(decoys_in >= distractors.count.min);
    CHECK(decoys_in <= distractors.count.max);
    CHECK(static_cast<int>(draw.placed.size()) == parcels + decoys_in);
    parcel_counts.insert(parcels);
    decoy_counts.insert(decoys_in);

    // Settled: nothing placed interpenetrates anything by more than 2 mm, each rests on
    // something, and none moves faster than the settle speed.
    CHECK(draw.settled);
    std::vector<int> placed;
    for (const std::string& name : draw.placed) placed.push_back(world.BodyId(name));
    auto is_placed = [&](int body) {
      return std::find(placed.begin(), placed.end(), m->body_rootid[body]) != placed.end();
    };
    std::set<int> touching;
    for (int c = 0; c < d->ncon; ++c) {
      const mjContact& con = d->contact[c];
      const int b1 = m->geom_bodyid[con.geom1], b2 = m->geom_bodyid[con.geom2];
      if (!is_placed(b1) && !is_placed(b2)) continue;
      CHECK(con.dist >= -0.002);
      touching.insert(m->body_rootid[b1]);
      touching.insert(m->body_rootid[b2]);
    }
    for (int b : placed) {
      CAPTURE(mj_id2name(m, mjOBJ_BODY, b));
      CHECK(touching.count(b) == 1);
      mjtNum v[6];
      mj_objectVelocity(m, d, mjOBJ_BODY, b, v, 0);
      CHECK(std::hypot(v[3], v[4], v[5]) < spec.settle.speed);
      CHECK(std::hypot(v[0], v[1], v[2]) < spec.settle.speed);
      if (std::find(pool.begin(), pool.end(), b) != pool.end())
        parcel_spots.insert(std::lround(d->xpos[3 * b] * 100) * 100000 +
                            std::lround(d->xpos[3 * b + 1] * 100));
    }
  }
  // It varies.
  CHECK(light_counts.size() >= 2);
  CHECK(parcel_counts.size() >= 3);
  CHECK(decoy_counts.size() >= 3);
  CHECK(materials_seen.size() == 3);
  CHECK(hi_intensity - lo_intensity > 0.4);
  CHECK(hi_friction - lo_friction > 0.3);
  CHECK(hi_mass - lo_mass > 0.2);
  CHECK(hi_cam - lo_cam > 0.07);
  CHECK(hi_value - lo_value > 0.2);
  CHECK(parcel_spots.size() > 60);
  mj_deleteModel(base);
}

TEST_CASE("A randomized frame depends only on (seed, frame)", "[sim][randomize]") {
  SiteWorld a = Warehouse();
  DomainRandomizer ra(a.scene.site, a.scene.site.randomize, a.world);
  ra.Apply(a.world, 7, 5);
  const std::vector<uint8_t> first = Fingerprint(a.world.model(), a.world.data());
  ra.Apply(a.world, 7, 9);
  const std::vector<uint8_t> nine = Fingerprint(a.world.model(), a.world.data());
  ra.Apply(a.world, 7, 5);
  CHECK(Fingerprint(a.world.model(), a.world.data()) == first);  // k=5 after k=9
  CHECK(nine != first);

  // Another world that only ever makes frame 9, then 5.
  SiteWorld b = Warehouse();
  DomainRandomizer rb(b.scene.site, b.scene.site.randomize, b.world);
  rb.Apply(b.world, 7, 9);
  CHECK(Fingerprint(b.world.model(), b.world.data()) == nine);
  rb.Apply(b.world, 7, 5);
  CHECK(Fingerprint(b.world.model(), b.world.data()) == first);
  // Another seed, another frame.
  rb.Apply(b.world, 8, 5);
  CHECK(Fingerprint(b.world.model(), b.world.data()) != first);
}

TEST_CASE("Kelvin to RGB follows the black-body locus", "[sim][randomize]") {
  // 6600 K is white; warmer is red-heavy with no blue at 1900 K; cooler is blue-heavy.
  const auto white = twin::sim::KelvinToRgb(6600);
  CHECK(white[0] == Approx(1));
  CHECK(white[1] > 0.97);
  CHECK(white[2] == Approx(1));
  const auto candle = twin::sim::KelvinToRgb(1900);
  CHECK(candle[0] == 1);
  CHECK(candle[2] == 0);
  CHECK(candle[1] < 0.6);
  const auto sky = twin::sim::KelvinToRgb(10000);
  CHECK(sky[2] == 1);
  CHECK(sky[0] < sky[1]);
  CHECK(sky[1] < 1);
}

TEST_CASE("Parked distractors do not change the size MuJoCo gives the site", "[sim][randomize]") {
  // The same warehouse without its distractors, measured by MuJoCo's compiler alone.
  std::ifstream in(kWarehouse);
  std::stringstream text;
  text << in.rdbuf();
  std::string layout = text.str();
  const size_t at = layout.find("\n  distractors:");
  REQUIRE(at != std::string::npos);
  layout.erase(at, layout.find('\n', at + 1) - at);
  const twin::scenes::Scene plain =
      twin::scenes::LoadLayoutText(layout, "plain.yaml", std::string(TWIN_TWINS_DIR));
  REQUIRE(!plain.site.FindEntity("distractor0"));
  twin::sim::WorldOptions quiet;
  quiet.log = [](const std::string&) {};
  const twin::sim::World without = twin::sim::World::FromScene(plain, quiet);
  const SiteWorld with = Warehouse();
  REQUIRE(with.scene.site.FindEntity("distractor0"));
  CHECK(with.world.model()->stat.extent == Approx(without.model()->stat.extent).epsilon(1e-9));
  for (int k = 0; k < 3; ++k)
    CHECK(with.world.model()->stat.center[k] ==
          Approx(without.model()->stat.center[k]).margin(1e-9));
  CHECK(with.world.model()->stat.extent < 100);
}

TEST_CASE("Per-item randomize ranges: pose offsets and masses per frame, the rest reported",
          "[sim][randomize]") {
  const std::string layout =
      "site: {seed: 5}\n"
      "equipment:\n"
      "  - {type: carton, name: box, pose: {position: [1, 2, 0]}, mass: 2,\n"
      "     randomize: {x: [-0.5, 0.5], yaw: [-30, 30], mass: [1, 3], friction: [0.2, 0.8]}}\n"
      "randomize:\n"
      "  settle: {max_time: 1}\n";
  std::vector<std::string> lines;
  twin::sim::WorldOptions options;
  options.log = [&](const std::string& line) { lines.push_back(line); };
  SiteWorld site = twin::sim::MakeSiteWorld(twin::scenes::LoadLayoutText(layout, "items.yaml", "."),
                                            options, std::nullopt, false);
  const mjModel* base = mj_copyModel(nullptr, site.world.model());
  DomainRandomizer randomizer(site.scene.site, site.scene.site.randomize, site.world);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].find("box.randomize.friction is not applied per frame (changing it needs the "
                      "model rebuilt)") != std::string::npos);
  const int box = site.world.BodyId("box");
  double lo_x = 1e9, hi_x = -1e9, lo_m = 1e9, hi_m = 0;
  for (uint64_t k = 0; k < 20; ++k) {
    randomizer.Apply(site.world, 1, k);
    const mjData* d = site.world.data();
    const double x = d->xpos[3 * box], mass = site.world.model()->body_mass[box];
    // Nothing was placed or settled: the pose is the drawn offset from the layout's.
    CHECK(x >= 0.5);
    CHECK(x <= 1.5);
    CHECK(d->xpos[3 * box + 1] == Approx(2));
    const double yaw = std::atan2(d->xmat[9 * box + 3], d->xmat[9 * box]) * 180 / M_PI;
    CHECK(std::abs(yaw) <= 30 + 1e-9);
    CHECK(mass >= 1 - 1e-12);
    CHECK(mass <= 3 + 1e-12);
    CHECK(site.world.model()->body_inertia[3 * box] / base->body_inertia[3 * box] ==
          Approx(mass / base->body_mass[box]));
    lo_x = std::min(lo_x, x);
    hi_x = std::max(hi_x, x);
    lo_m = std::min(lo_m, mass);
    hi_m = std::max(hi_m, mass);
  }
  CHECK(hi_x - lo_x > 0.5);
  CHECK(hi_m - lo_m > 1);
  mj_deleteModel(const_cast<mjModel*>(base));
}

TEST_CASE("The factory cell's randomize block changes looks, never the cell's state",
          "[sim][randomize]") {
  twin::sim::WorldOptions options;
  options.log = [](const std::string&) {};
  SiteWorld site = twin::sim::LoadSiteWorld(std::string(TWIN_TWINS_DIR) + "/factory_cell.yaml",
                                            options, std::nullopt, /*autopilot=*/false);
  const twin::scenes::RandomizeSpec& spec = site.scene.site.randomize;
  REQUIRE(spec.lights);
  REQUIRE(!spec.objects);
  const std::vector<mjtNum> qpos(site.world.data()->qpos,
                                 site.world.data()->qpos + site.world.model()->nq);
  DomainRandomizer randomizer(site.scene.site, spec, site.world);
  std::set<float> diffuse;
  for (uint64_t k = 0; k < 10; ++k) {
    const FrameDraw draw = randomizer.Apply(site.world, 3, k);
    CHECK(draw.placed.empty());
    CHECK(draw.settle_time == 0);
    CHECK(std::equal(qpos.begin(), qpos.end(), site.world.data()->qpos));
    CHECK(draw.cameras.size() == static_cast<size_t>(site.world.model()->ncam));
    for (const auto& [name, jitter] : draw.cameras) {
      CHECK(jitter.focal_scale >= spec.cameras->focal->min);
      CHECK(jitter.focal_scale <= spec.cameras->focal->max);
      CHECK(std::abs(jitter.dcx) <= spec.cameras->principal->max);
    }
    diffuse.insert(site.world.model()->light_diffuse[0]);
  }
  CHECK(diffuse.size() > 5);
}

TEST_CASE("Settling leaves unreachable static geoms out, and redoes the settle when one was hit",
          "[sim][randomize]") {
  // A carton dropped from 6 m onto a 1.5 m block: at the start the block is farther than the
  // reach from the carton, so it is culled; the carton falls past the reach and the settle is
  // redone with every geom, so it ends on the block, not through it on the floor.
  const std::string layout =
      "site: {seed: 2}\n"
      "equipment:\n"
      "  - {type: obstacle, name: block, pose: {position: [0, 0, 0]}, size: [1.2, 1.2, 1.5]}\n"
      "  - {type: obstacle, name: far_post, pose: {position: [9, 9, 0]}, size: [0.3, 0.3, 2]}\n"
      "  - {type: carton, name: box, pose: {position: [3, 3, 0]}, size: [0.3, 0.3, 0.3], mass: 2}\n"
      "randomize:\n"
      "  objects:\n"
      "    - {class: carton, count: [1, 1], region: {min: [0, 0, 6], max: [0, 0, 6]}}\n"
      "  settle: {max_time: 3, speed: 0.01}\n";
  SiteWorld site = twin::sim::MakeSiteWorld(twin::scenes::LoadLayoutText(layout, "drop.yaml", "."),
                                            {}, std::nullopt, false);
  const mjModel* m = site.world.model();
  DomainRandomizer randomizer(site.scene.site, site.scene.site.randomize, site.world);

  // Culling as seen from the carton's drop pose: both obstacles are out of reach, the floor
  // (a plane) never is.
  randomizer.Apply(site.world, 2, 0);
  const int box = site.world.BodyId("box");
  const double z = site.world.data()->xpos[3 * box + 2];
  INFO("carton bottom z " << z);
  CHECK(std::abs(z - 1.5) < 0.01);  // its bottom (the body origin) on the block's top

  mjData* d = site.world.data();
  d->qpos[m->jnt_qposadr[m->body_jntadr[box]] + 2] = 6;
  mj_forward(m, d);
  const std::vector<int> culled = twin::sim::UnreachableStaticGeoms(m, d, 2.0);
  std::set<std::string> names;
  for (int g : culled) names.insert(m->names + m->name_bodyadr[m->geom_bodyid[g]]);
  CHECK(names == std::set<std::string>{"block", "far_post"});
  // Put the carton next to the block: the block is in reach, the post is not.
  d->qpos[m->jnt_qposadr[m->body_jntadr[box]] + 2] = 2.0;
  mj_forward(m, d);
  names.clear();
  for (int g : twin::sim::UnreachableStaticGeoms(m, d, 2.0))
    names.insert(m->names + m->name_bodyadr[m->geom_bodyid[g]]);
  CHECK(names == std::set<std::string>{"far_post"});
  // The model's collision flags are back as they were after Apply.
  for (int g = 0; g < m->ngeom; ++g) CHECK((m->geom_contype[g] | m->geom_conaffinity[g]) != 0);
}

namespace {

const std::string kFlowCell = std::string(TWIN_TEST_DATA) + "/layouts/datagen_flow_cell.yaml";

SiteWorld FlowCell() {
  twin::sim::WorldOptions options;
  options.log = [](const std::string&) {};
  return twin::sim::LoadSiteWorld(kFlowCell, options, std::nullopt, /*autopilot=*/false);
}

// A frame of the flow cell: the fingerprint plus what its spawner did while it settled.
std::vector<uint8_t> FlowFrame(SiteWorld& site, const DomainRandomizer& randomizer, uint64_t k) {
  randomizer.Apply(site.world, 9, k);
  std::vector<uint8_t> out = Fingerprint(site.world.model(), site.world.data());
  const int64_t spawned = site.flows->spawners().at(0).spawned;
  const auto* bytes = reinterpret_cast<const uint8_t*>(&spawned);
  out.insert(out.end(), bytes, bytes + sizeof spawned);
  return out;
}

}  // namespace

TEST_CASE("Frames of a cell whose spawner runs while settling depend only on (seed, frame)",
          "[sim][randomize]") {
  // Each frame alone, in a world that never made another.
  std::vector<std::vector<uint8_t>> alone;
  for (uint64_t k = 0; k < 4; ++k) {
    SiteWorld site = FlowCell();
    const DomainRandomizer randomizer(site.scene.site, site.scene.site.randomize, site.world);
    alone.push_back(FlowFrame(site, randomizer, k));
    // The spawner's first carton (t = 0) is on the belt, riding it.
    CHECK(site.flows->spawners().at(0).spawned >= 1);
    const int item = site.world.BodyId("feed_item0");
    const mjtNum* x = site.world.data()->xpos + 3 * item;
    CHECK(std::abs(x[1] - -1.2) < 0.2);
    CHECK(x[2] == Approx(0.5).margin(0.02));
  }
  // The same frames one after another, in another order, in one world (as datagen makes them).
  SiteWorld site = FlowCell();
  const DomainRandomizer randomizer(site.scene.site, site.scene.site.randomize, site.world);
  for (uint64_t k : {2, 0, 3, 1, 2}) {
    CAPTURE(k);
    const bool same = FlowFrame(site, randomizer, k) == alone[k];
    CHECK(same);
  }
}

TEST_CASE("What the randomizer places is where it placed it, never parked by a spawner",
          "[sim][randomize]") {
  SiteWorld site = FlowCell();
  const twin::scenes::RandomizeSpec& spec = site.scene.site.randomize;
  REQUIRE(spec.objects);
  const twin::scenes::Region& region = *spec.objects->front().region;
  const DomainRandomizer randomizer(site.scene.site, spec, site.world);
  int placed = 0;
  for (uint64_t k = 0; k < 8; ++k) {
    const FrameDraw draw = randomizer.Apply(site.world, 9, k);
    CHECK(draw.settled);
    for (const std::string& name : draw.placed) {
      CAPTURE(k, name);
      const mjtNum* x = site.world.data()->xpos + 3 * site.world.BodyId(name);
      // On the pallet (its deck about 0.14 m up), within the region give or take a carton.
      CHECK(x[0] >= region.min[0] - 0.3);
      CHECK(x[0] <= region.max[0] + 0.3);
      CHECK(x[1] >= region.min[1] - 0.3);
      CHECK(x[1] <= region.max[1] + 0.3);
      CHECK(x[2] >= 0.1);
      CHECK(x[2] <= region.max[2]);
      ++placed;
    }
  }
  CHECK(placed >= 8);
}
