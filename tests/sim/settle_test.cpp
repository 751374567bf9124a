// Settling helpers checked against MuJoCo itself: SurfaceBelow against mj_ray, trees sitting out
// against the joint state MuJoCo holds before and after.
#include <twin/sim/domain_randomizer.h>
#include <twin/sim/settle.h>
#include <twin/sim/site_world.h>
#include <twin/sim/surface_below.h>

#include <catch2/catch.hpp>

#include "warehouse_world.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

using twin::sim::SiteWorld;

namespace {

SiteWorld Warehouse() {
  return twin::testing::QuietWarehouse();
}

bool Collides(const mjModel* m, int g) {
  return m->geom_contype[g] != 0 || m->geom_conaffinity[g] != 0;
}

// The lowest point of a box, sphere or cylinder geom (what the warehouse's loose bodies are).
double LowestZ(const mjModel* m, const mjData* d, int g) {
  const mjtNum* R = d->geom_xmat + 9 * g;
  const mjtNum* s = m->geom_size + 3 * g;
  double half = 0;
  switch (m->geom_type[g]) {
    case mjGEOM_BOX:
      half = std::abs(R[6]) * s[0] + std::abs(R[7]) * s[1] + std::abs(R[8]) * s[2];
      break;
    case mjGEOM_SPHERE: half = s[0]; break;
    case mjGEOM_CYLINDER:
      half = std::abs(R[8]) * s[1] + s[0] * std::sqrt(std::max(0.0, 1 - R[8] * R[8]));
      break;
    default: FAIL("unexpected geom type " << m->geom_type[g]);
  }
  return d->geom_xpos[3 * g + 2] - half;
}

}  // namespace

TEST_CASE("SurfaceBelow finds what mj_ray finds, leaving out the bodies it is told to",
          "[sim][settle]") {
  SiteWorld site = Warehouse();
  const mjModel* m = site.world.model();
  mjData* d = site.world.data();
  mj_forward(m, d);
  const mjtNum down[3] = {0, 0, -1};
  int compared = 0, above_floor = 0;
  // A 0.25 m grid over the dock and the racks' east ends, from 6 m up.
  for (double x = -2; x <= 12; x += 0.25) {
    for (double y = -9; y <= 9; y += 0.25) {
      const mjtNum start[3] = {x, y, 6};
      int geom = -1;
      const mjtNum distance = mj_ray(m, d, start, down, nullptr, 1, -1, &geom);
      if (geom >= 0 && !Collides(m, geom)) continue;  // a look-only geom: SurfaceBelow skips it
      const auto z = twin::sim::SurfaceBelow(m, d, x, y, 6);
      CAPTURE(x, y, geom);
      REQUIRE(z.has_value() == (geom >= 0));
      if (!z) continue;
      CHECK(*z == Approx(6 - distance).margin(1e-9));
      ++compared;
      above_floor += *z > 0.01;
    }
  }
  CHECK(compared > 3000);
  CHECK(above_floor > 100);  // racks, pallets, the forklift: not only the floor

  // Over parcel1 (on the floor by the south wall): its top, or the floor with it left out.
  const int parcel = site.world.BodyId("parcel1");
  const double px = d->xpos[3 * parcel], py = d->xpos[3 * parcel + 1];
  const mjtNum start[3] = {px, py, 6};
  int geom = -1;
  const mjtNum to_top = mj_ray(m, d, start, down, nullptr, 1, -1, &geom);
  REQUIRE(m->geom_bodyid[geom] == parcel);
  CHECK(*twin::sim::SurfaceBelow(m, d, px, py, 6) == Approx(6 - to_top));
  std::vector<bool> ignored(m->nbody, false);
  ignored[parcel] = true;
  const mjtNum to_floor = mj_ray(m, d, start, down, nullptr, 1, parcel, &geom);
  CHECK(*twin::sim::SurfaceBelow(m, d, px, py, 6, ignored) == Approx(6 - to_floor));
  CHECK(6 - to_floor == Approx(0).margin(1e-9));
  // Nothing below: above the floor's edge there is still the plane; far below it, nothing.
  CHECK_FALSE(twin::sim::SurfaceBelow(m, d, 5, 0, -1).has_value());
}

TEST_CASE("Dropped objects start a few centimetres above what is under them", "[sim][settle]") {
  SiteWorld site = Warehouse();
  twin::scenes::RandomizeSpec spec = site.scene.site.randomize;
  REQUIRE(spec.objects);
  REQUIRE(spec.objects->front().drop);
  REQUIRE(spec.distractors->drop);
  spec.settle.max_time = 0;  // look at the drop poses themselves
  const twin::sim::DomainRandomizer randomizer(site.scene.site, spec, site.world);
  const mjModel* m = site.world.model();
  const mjData* d = site.world.data();
  const int load = site.world.BodyId("p_move_load");
  const mjtNum down[3] = {0, 0, -1};
  std::vector<double> gaps;
  int on_load = 0;
  for (uint64_t k = 0; k < 30; ++k) {
    const twin::sim::FrameDraw draw = randomizer.Apply(site.world, 42, k);
    for (const std::string& name : draw.placed) {
      const int b = site.world.BodyId(name);
      const int g = m->body_geomadr[b];
      REQUIRE(m->body_geomnum[b] == 1);
      // The highest thing MuJoCo's ray casts find under the body's footprint (a 9x9 grid over
      // it; other placed bodies included).
      const double lowest = LowestZ(m, d, g);
      const mjtNum* R = d->geom_xmat + 9 * g;
      const mjtNum* size = m->geom_size + 3 * g;
      const bool box = m->geom_type[g] == mjGEOM_BOX;
      double gap = 1e9;
      int top = -1;
      for (int i = -4; i <= 4; ++i) {
        for (int j = -4; j <= 4; ++j) {
          const double u = 0.99 * i / 4, v = 0.99 * j / 4;
          if (!box && u * u + v * v > 1) continue;
          const double lx = u * size[0], ly = v * (box ? size[1] : size[0]);
          const mjtNum start[3] = {d->geom_xpos[3 * g] + R[0] * lx + R[1] * ly,
                                   d->geom_xpos[3 * g + 1] + R[3] * lx + R[4] * ly, lowest - 1e-6};
          int hit = -1;
          const mjtNum distance = mj_ray(m, d, start, down, nullptr, 1, b, &hit);
          if (hit >= 0 && distance + 1e-6 < gap) gap = distance + 1e-6, top = hit;
        }
      }
      CAPTURE(k, name);
      REQUIRE(top >= 0);
      CHECK(gap >= -0.001);  // never starting inside what is below
      CHECK(gap <= 0.35);    // the drop (<= 0.3 m)
      on_load += m->body_rootid[m->geom_bodyid[top]] == m->body_rootid[load];
      gaps.push_back(gap);
    }
  }
  REQUIRE(gaps.size() > 100);
  std::nth_element(gaps.begin(), gaps.begin() + gaps.size() / 2, gaps.end());
  const double median = gaps[gaps.size() / 2];
  CHECK(median >= 0.02);
  CHECK(median <= 0.3);
  CHECK(on_load >= 2);  // some land on the pallet's load, 0.64 m up, not on the floor under it
}

TEST_CASE("Trees out of reach sit out the settle and come back where they stood", "[sim][settle]") {
  SiteWorld site = Warehouse();
  const mjModel* m = site.world.model();
  mjData* d = site.world.data();
  mj_forward(m, d);
  auto names = [&](const std::vector<int>& roots) {
    std::set<std::string> out;
    for (int root : roots) out.insert(mj_id2name(m, mjOBJ_BODY, root));
    return out;
  };
  const int parcel = site.world.BodyId("parcel1");
  std::vector<bool> placeable(m->nbody, false);
  for (int b = 1; b < m->nbody; ++b) {
    const std::string name = mj_id2name(m, mjOBJ_BODY, b) ? mj_id2name(m, mjOBJ_BODY, b) : "";
    if (name.rfind("parcel", 0) == 0 || name.rfind("distractor", 0) == 0) placeable[b] = true;
  }
  // parcel1 by the south wall (3, 6.5): the AMRs and the forklift are far, p_move (5, -3) too.
  std::set<std::string> out = names(twin::sim::UnreachableTrees(m, d, {parcel}, 2.0, placeable));
  CHECK(out.count("amr1") == 1);
  CHECK(out.count("amr2") == 1);
  CHECK(out.count("p_move") == 1);
  CHECK(out.count("parcel2") == 0);  // placeables are never returned
  // Next to p_move, p_move takes part; the forklift 6 m east does not.
  const int q = m->jnt_qposadr[m->body_jntadr[parcel]];
  d->qpos[q] = 5;
  d->qpos[q + 1] = -1.9;
  mj_forward(m, d);
  out = names(twin::sim::UnreachableTrees(m, d, {parcel}, 2.0, placeable));
  CHECK(out.count("p_move") == 0);
  CHECK(out.count("fl1") == 1);
  CHECK(out.count("amr1") == 1);
  // A reach that spans the dock: p_move is in, and through it the forklift (11, -3).
  out = names(twin::sim::UnreachableTrees(m, d, {parcel}, 4.5, placeable));
  CHECK(out.count("p_move") == 0);
  CHECK(out.count("fl1") == 0);

  // Settling a carton dropped onto p_move's load: the AMRs sit out and come back bit for bit,
  // the pallet under it takes part, and every collision flag is back.
  std::vector<mjtNum> qpos_before(d->qpos, d->qpos + m->nq);
  std::vector<int> contype(m->geom_contype, m->geom_contype + m->ngeom);
  d->qpos[q + 1] = -3;
  d->qpos[q + 2] = 0.9;
  mj_forward(m, d);
  qpos_before.assign(d->qpos, d->qpos + m->nq);
  bool settled = false;
  twin::sim::SettlePlaced(site.world, {parcel}, twin::scenes::SettleSpec{}, placeable, &settled);
  CHECK(settled);
  auto joint_qpos = [&](const char* body, const mjtNum* qpos) {
    const int b = site.world.BodyId(body);
    const int a = m->jnt_qposadr[m->body_jntadr[b]];
    return std::vector<mjtNum>(qpos + a, qpos + a + 7);
  };
  CHECK(joint_qpos("amr1", d->qpos) == joint_qpos("amr1", qpos_before.data()));
  CHECK(joint_qpos("amr2", d->qpos) == joint_qpos("amr2", qpos_before.data()));
  CHECK(d->xpos[3 * parcel + 2] > 0.6);  // on the load, not through it
  CHECK(std::vector<int>(m->geom_contype, m->geom_contype + m->ngeom) == contype);
}
