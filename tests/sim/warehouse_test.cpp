// The built-in warehouse twins (scenes/twins/warehouse*.yaml) and their `warehouse` autopilot.
// Everything is measured from MuJoCo's state (body poses), and the routes, spots and racks are
// read from the layout's Site record, never restated here.
#include <twin/base/error.h>
#include <twin/scenes/scene.h>
#include <twin/sim/site_world.h>

#include <catch2/catch.hpp>

#include "error_message.h"

#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using Catch::Matchers::Contains;
using twin::sim::SiteWorld;

namespace {

const std::string kTwins = TWIN_TWINS_DIR;

struct Planar {
  double x, y, yaw;
};

Planar Truth(const SiteWorld& site, const std::string& body) {
  const int id = site.world.BodyId(body);
  const mjData* d = site.world.data();
  return {d->xpos[3 * id], d->xpos[3 * id + 1], std::atan2(d->xmat[9 * id + 3], d->xmat[9 * id])};
}

std::vector<double> Numbers(const std::string& text) {
  std::vector<double> values;
  std::istringstream in(text);
  for (double v; in >> v;) values.push_back(v);
  return values;
}

// Floor footprint of every rack: centre, half length along its x (bays), half depth; the racks
// of the twins stand unrotated.
struct Footprint {
  double x, y, half_x, half_y;
};
std::vector<Footprint> RackFootprints(const twin::scenes::Site& site) {
  std::vector<Footprint> racks;
  for (const twin::scenes::Entity& e : site.entities) {
    if (e.type != "rack") continue;
    const double bays = e.parameters.at("bays");
    // Defaults of the rack type: 2.7 m bays, 0.08 m uprights, 1.1 m deep.
    racks.push_back({e.pose.position[0], e.pose.position[1], (bays * 2.78 + 0.08) / 2, 0.55});
  }
  return racks;
}

int Count(const twin::scenes::Site& site, const std::string& type) {
  int n = 0;
  for (const twin::scenes::Entity& e : site.entities) n += e.type == type;
  return n;
}

std::string LoadError(const std::string& autopilot) {
  const std::string text = R"(
equipment:
  - {type: amr, name: amr1}
  - {type: forklift, name: fl1, pose: {position: [-5, 0, 0]}}
  - {type: pallet, name: p1, pose: {position: [0, 0, 0]}}
autopilot:
)" + autopilot;
  return twin::testing::ErrorMessage(
      [&] { twin::sim::MakeSiteWorld(twin::scenes::LoadLayoutText(text, "bad.yaml", "."), {}); });
}

}  // namespace

TEST_CASE("warehouse.yaml: AMRs patrol clear of the racks and the forklift moves its pallet",
          "[sim][warehouse]") {
  SiteWorld site = twin::sim::LoadSiteWorld(kTwins + "/warehouse.yaml", {});
  const twin::scenes::Site& s = site.scene.site;
  REQUIRE(site.autopilot);
  REQUIRE(s.amrs.size() == 2);
  REQUIRE(s.lidars.size() >= 1);
  REQUIRE(s.cameras.size() >= 2);
  const std::vector<Footprint> racks = RackFootprints(s);
  REQUIRE(racks.size() >= 2);

  // The routes, from the layout.
  std::map<std::string, std::vector<double>> routes;
  for (const auto& amr : s.amrs) {
    routes[amr.entity] = Numbers(s.autopilot.params.at("patrol_" + amr.entity).text);
  }
  std::map<std::string, std::vector<bool>> visited;
  for (const auto& [name, route] : routes) visited[name].assign(route.size() / 2, false);

  const std::string pallet = s.autopilot.params.at("pallet").text;
  const std::vector<double> place = Numbers(s.autopilot.params.at("place").text);
  const std::string carton = "p_move_load";
  REQUIRE(s.FindEntity(carton));
  const mjData* d = site.world.data();
  const int pallet_id = site.world.BodyId(pallet), carton_id = site.world.BodyId(carton);
  const double pallet_z = d->xpos[3 * pallet_id + 2];
  const double carton_dz = d->xpos[3 * carton_id + 2] - pallet_z;

  bool lifted = false, placed = false;
  double worst_rack_overlap = -1;
  for (int tick = 0; tick < 600; ++tick) {  // 60 s in 0.1 s
    site.world.Step(50);
    REQUIRE(site.world.anomalies().empty());
    for (const auto& [name, route] : routes) {
      const Planar at = Truth(site, name);
      for (size_t i = 0; i < route.size() / 2; ++i) {
        if (std::hypot(at.x - route[2 * i], at.y - route[2 * i + 1]) < 0.1) visited[name][i] = true;
      }
      // The AMR's footprint (0.89 x 0.58 m) as a circle of its half diagonal, against each rack.
      for (const Footprint& r : racks) {
        const double dx = std::max(std::abs(at.x - r.x) - r.half_x, 0.0);
        const double dy = std::max(std::abs(at.y - r.y) - r.half_y, 0.0);
        worst_rack_overlap = std::max(worst_rack_overlap, 0.53 - std::hypot(dx, dy));
      }
    }
    const double z = d->xpos[3 * pallet_id + 2];
    if (z > pallet_z + 0.05) lifted = true;
    // Set down on the place spot: back on the floor, the carton on it as it was loaded.
    const Planar p = Truth(site, pallet);
    if (lifted && std::abs(z - pallet_z) < 0.005 &&
        std::hypot(p.x - place[0], p.y - place[1]) < 0.05 &&
        std::abs(std::remainder(p.yaw - place[2] * M_PI / 180, M_PI)) < 3 * M_PI / 180) {
      placed = true;
      const Planar c = Truth(site, carton);
      CHECK(std::hypot(c.x - p.x, c.y - p.y) < 0.02);
      CHECK(d->xpos[3 * carton_id + 2] - z == Approx(carton_dz).margin(0.005));
    }
  }
  INFO(site.autopilot->Status());
  for (const auto& [name, flags] : visited) {
    for (size_t i = 0; i < flags.size(); ++i) {
      INFO(name << " waypoint " << i + 1);
      CHECK(flags[i]);
    }
  }
  CHECK(worst_rack_overlap < 0);  // never nearer a rack than its half diagonal
  CHECK(lifted);
  CHECK(placed);
  CHECK_THAT(site.autopilot->Status(), Contains("2 AMRs patrolling") && Contains("moved pallet"));
}

TEST_CASE("warehouse_large.yaml: the scale case loads and runs 60 s", "[sim][warehouse]") {
  SiteWorld site = twin::sim::LoadSiteWorld(kTwins + "/warehouse_large.yaml", {});
  const twin::scenes::Site& s = site.scene.site;
  CHECK(Count(s, "rack") >= 20);
  CHECK(Count(s, "carton") >= 500);
  CHECK(s.amrs.size() >= 10);
  REQUIRE(site.autopilot);
  const std::vector<Footprint> racks = RackFootprints(s);
  for (int tick = 0; tick < 60; ++tick) {  // 60 s in 1 s
    site.world.Step(500);
    REQUIRE(site.world.anomalies().empty());
  }
  // Every AMR has driven from its start, and none stands in a rack.
  for (const auto& amr : s.amrs) {
    const Planar at = Truth(site, amr.entity);
    const twin::scenes::Entity* e = s.FindEntity(amr.entity);
    CHECK(std::hypot(at.x - e->pose.position[0], at.y - e->pose.position[1]) > 1.0);
    for (const Footprint& r : racks) {
      INFO(amr.entity);
      CHECK((std::abs(at.x - r.x) > r.half_x + 0.3 || std::abs(at.y - r.y) > r.half_y + 0.3));
    }
  }
  CHECK_THAT(site.autopilot->Status(), Contains("12 AMRs patrolling"));
}

TEST_CASE("Bad warehouse autopilot parameters name the file, line and key", "[sim][warehouse]") {
  CHECK_THAT(LoadError("  {type: warehouse, patrol_amr2: [0, 0, 1, 0]}\n"),
             Contains("bad.yaml:7:") && Contains("no AMR named 'amr2'") &&
                 Contains("did you mean 'amr1'"));
  CHECK_THAT(LoadError("  {type: warehouse, patrol_amr1: [0, 0, 1]}\n"),
             Contains("bad.yaml:7:") && Contains("at least two waypoints"));
  CHECK_THAT(LoadError("  {type: warehouse, patrol_amr1: [0, 0, x, 1]}\n"),
             Contains("bad.yaml:7:") && Contains("'x' is not a number"));
  CHECK_THAT(LoadError("  {type: warehouse, forklift: fl2, pallet: p1, pick: [0, 0, 0], "
                       "place: [0, 3, 0]}\n"),
             Contains("bad.yaml:7:") && Contains("no forklift named 'fl2'"));
  CHECK_THAT(LoadError("  {type: warehouse, forklift: fl1, pallet: p1, pick: [0, 0], "
                       "place: [0, 3, 0]}\n"),
             Contains("bad.yaml:7:") && Contains("[x, y, yaw]"));
  CHECK_THAT(LoadError("  {type: warehouse, forklift: fl1, pallet: p1, pick: [0, 0, 0]}\n"),
             Contains("bad.yaml:7:") && Contains("needs the key 'place'"));
  CHECK_THAT(LoadError("  {type: warehouse, patrol_amr1: [0, 0, 1, 0], speeed: 2}\n"),
             Contains("bad.yaml:7:") && Contains("unknown key 'speeed'"));
  CHECK_THAT(LoadError("  {type: warehouse}\n"),
             Contains("bad.yaml:7:") && Contains("nothing to do"));
}
